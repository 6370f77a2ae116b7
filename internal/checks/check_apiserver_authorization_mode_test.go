package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestAPIServerAuthorizationMode(t *testing.T) {
	runCases(t, "apiserver-authorization-mode", []checkCase{{
		name:     "kubeadm's default: Node,RBAC",
		manifest: kubeadmPod("kube-apiserver"),
	}, {
		name:     "with a webhook too",
		manifest: kubeadmPod("kube-apiserver", "--authorization-mode=Node,Webhook,RBAC"),
	}, {
		name:     "not set: AlwaysAllow by default",
		manifest: kubeadmPod("kube-apiserver", "!--authorization-mode"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: cpArgs, Reason: "weak authorization modes", Severity: check.Critical, Line: 12,
			Detail: cpAPIServer + " must set --authorization-mode=Node,RBAC (every request is allowed by default: AlwaysAllow)",
		}},
	}, {
		name:     "AlwaysAllow after Node and RBAC",
		manifest: kubeadmPod("kube-apiserver", "--authorization-mode=Node,RBAC,AlwaysAllow"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[3]", Reason: "weak authorization modes", Severity: check.Critical, Line: 16,
			Detail: cpAPIServer + " must not set AlwaysAllow in --authorization-mode=Node,RBAC,AlwaysAllow (every request is allowed)",
		}},
	}, {
		name:     "RBAC without Node",
		manifest: kubeadmPod("kube-apiserver", "--authorization-mode=RBAC"),
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[3]", Reason: "weak authorization modes",
			Detail: cpAPIServer + " must include Node in --authorization-mode, not RBAC",
		}},
	}, {
		name:     "an authorization configuration file decides",
		manifest: kubeadmPod("kube-apiserver", "!--authorization-mode", "--authorization-config=/etc/kubernetes/authz.yaml"),
	}, {
		name: "a running process with AlwaysAllow alone",
		host: processNode("kube-apiserver", 812, "--authorization-mode", "AlwaysAllow"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--authorization-mode", Reason: "weak authorization modes", Severity: check.Critical,
			Detail: "kube-apiserver (process 812) must not set AlwaysAllow in --authorization-mode=AlwaysAllow (every request is allowed)",
		}, {
			Object: "File /proc/812/cmdline", Path: "--authorization-mode", Reason: "weak authorization modes",
			Detail: "kube-apiserver (process 812) must include Node and RBAC in --authorization-mode, not AlwaysAllow",
		}},
	}})
}
