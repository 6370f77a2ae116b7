package checks

import "testing"

func TestAPIServerTokenAuthFile(t *testing.T) {
	runCases(t, "apiserver-token-auth-file", []checkCase{{
		name:     "kubeadm's default",
		manifest: kubeadmPod("kube-apiserver"),
	}, {
		name:     "a static token file and a basic-auth file",
		manifest: controlPlanePod("kube-apiserver", "--authorization-mode=Node,RBAC", "--token-auth-file=/etc/kubernetes/tokens.csv", "--basic-auth-file=/etc/kubernetes/passwords.csv"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[2]", Reason: "static credentials file", Line: 15,
			Detail: cpAPIServer + " must not set --token-auth-file (static bearer tokens in clear text that cannot be revoked)",
		}, {
			Object: apiserverPod, Path: "spec.containers[0].command[3]", Reason: "static credentials file", Line: 16,
			Detail: cpAPIServer + " must not set --basic-auth-file (passwords in clear text; the flag was removed in v1.19)",
		}},
	}, {
		name: "a running process",
		host: processNode("kube-apiserver", 812, "--token-auth-file", "/srv/tokens.csv"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--token-auth-file", Reason: "static credentials file",
			Detail: "kube-apiserver (process 812) must not set --token-auth-file (static bearer tokens in clear text that cannot be revoked)",
		}},
	}})
}
