package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestAPIServerInsecurePort(t *testing.T) {
	runCases(t, "apiserver-insecure-port", []checkCase{{
		name:     "kubeadm's default",
		manifest: kubeadmPod("kube-apiserver"),
	}, {
		name:     "an older manifest that closes the insecure port",
		manifest: kubeadmPod("kube-apiserver", "--insecure-port=0"),
	}, {
		name:     "an insecure port and no secure port",
		manifest: kubeadmPod("kube-apiserver", "--secure-port=0", "--insecure-port=8080", "--insecure-bind-address=0.0.0.0"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[28]", Reason: "unauthenticated port", Line: 41,
			Detail: cpAPIServer + " must not set --insecure-port=8080 (plain HTTP without authentication or authorization; removed in v1.24)",
		}, {
			Object: apiserverPod, Path: "spec.containers[0].command[21]", Reason: "unauthenticated port", Severity: check.Medium, Line: 34,
			Detail: cpAPIServer + " must not set --secure-port=0 (the API is then served on no TLS port)",
		}},
	}, {
		name: "a running process with --port",
		host: processNode("kube-apiserver", 812, "--port", "8080"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--port", Reason: "unauthenticated port",
			Detail: "kube-apiserver (process 812) must not set --port=8080 (plain HTTP without authentication or authorization; removed in v1.24)",
		}},
	}})
}
