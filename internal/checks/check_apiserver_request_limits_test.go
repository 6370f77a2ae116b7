package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestAPIServerRequestLimits(t *testing.T) {
	runCases(t, "apiserver-request-limits", []checkCase{{
		name:     "kubeadm's default: Priority and Fairness, 400 and 200, 1m",
		manifest: kubeadmPod("kube-apiserver"),
	}, {
		name:     "with Priority and Fairness a 0 only lowers the total",
		manifest: kubeadmPod("kube-apiserver", "--max-mutating-requests-inflight=0", "--request-timeout=5m"),
	}, {
		name:     "Priority and Fairness off, no cap, a long timeout",
		manifest: kubeadmPod("kube-apiserver", "--enable-priority-and-fairness=false", "--max-requests-inflight=0", "--max-mutating-requests-inflight=100", "--request-timeout=1h"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[28]", Reason: "request limits switched off", Line: 41,
			Detail: cpAPIServer + " must not set --enable-priority-and-fairness=false (API Priority and Fairness is on by default)",
		}, {
			Object: apiserverPod, Path: "spec.containers[0].command[29]", Reason: "request limits switched off", Line: 42,
			Detail: cpAPIServer + " must not set --max-requests-inflight=0 (no limit without API Priority and Fairness)",
		}, {
			Object: apiserverPod, Path: "spec.containers[0].command[31]", Reason: "request limits switched off", Severity: check.Low, Line: 44,
			Detail: cpAPIServer + " must set --request-timeout to 5m0s or less, not 1h",
		}},
	}, {
		name: "a running process",
		host: processNode("kube-apiserver", 812, "--enable-priority-and-fairness=false"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--enable-priority-and-fairness", Reason: "request limits switched off",
			Detail: "kube-apiserver (process 812) must not set --enable-priority-and-fairness=false (API Priority and Fairness is on by default)",
		}},
	}})
}
