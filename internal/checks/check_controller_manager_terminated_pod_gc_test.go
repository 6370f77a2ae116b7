package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestControllerManagerTerminatedPodGC(t *testing.T) {
	runCases(t, "controller-manager-terminated-pod-gc", []checkCase{{
		name:     "kubeadm's default: not set, 12500",
		manifest: kubeadmPod("kube-controller-manager"),
		lines:    true,
		want: []finding{{
			Object: kcmPod, Path: cpArgs, Reason: "terminated pods kept", Line: 12,
			Detail: cpKCM + " must set --terminated-pod-gc-threshold (12500 terminated pods are kept by default)",
		}},
	}, {
		name:     "hardened",
		manifest: kubeadmPod("kube-controller-manager", "--terminated-pod-gc-threshold=1000"),
	}, {
		name:     "0: never collected",
		manifest: kubeadmPod("kube-controller-manager", "--terminated-pod-gc-threshold=0"),
		lines:    true,
		want: []finding{{
			Object: kcmPod, Path: "spec.containers[0].command[18]", Reason: "terminated pods kept", Severity: check.Medium, Line: 31,
			Detail: cpKCM + " must set --terminated-pod-gc-threshold above 0, not 0 (terminated pods are never deleted)",
		}},
	}, {
		name: "a running process",
		host: processNode("kube-controller-manager", 901, "--terminated-pod-gc-threshold", "500"),
	}})
}
