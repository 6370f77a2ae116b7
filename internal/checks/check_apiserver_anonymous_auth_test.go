package checks

import "testing"

func TestAPIServerAnonymousAuth(t *testing.T) {
	runCases(t, "apiserver-anonymous-auth", []checkCase{{
		name:     "kubeadm's default: not set",
		manifest: controlPlanePod("kube-apiserver", "--authorization-mode=Node,RBAC"),
		lines:    true,
		want: []finding{{
			Object: "Pod kube-system/kube-apiserver", Path: "spec.containers[0].command",
			Reason: "anonymous requests allowed",
			Detail: "kube-apiserver (static pod kube-system/kube-apiserver) must set --anonymous-auth=false (anonymous requests are allowed by default)",
			Line:   12,
		}},
	}, {
		name:     "set true, then false: the last wins",
		manifest: controlPlanePod("kube-apiserver", "--anonymous-auth=true", "--anonymous-auth=false"),
	}, {
		name:     "set false, then true",
		manifest: controlPlanePod("kube-apiserver", "--anonymous-auth=false", "--anonymous-auth"),
		lines:    true,
		want: []finding{{
			Object: "Pod kube-system/kube-apiserver", Path: "spec.containers[0].command[2]",
			Reason: "anonymous requests allowed",
			Detail: "kube-apiserver (static pod kube-system/kube-apiserver) must set --anonymous-auth=false, not true",
			Line:   15,
		}},
	}, {
		name:     "an authentication configuration file decides",
		manifest: controlPlanePod("kube-apiserver", "--authentication-config=/etc/kubernetes/authn.yaml"),
	}, {
		name: "a running process, read from /proc",
		host: processNode("kube-apiserver", 812, "--anonymous-auth", "false", "--secure-port=6443"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--anonymous-auth",
			Reason: "anonymous requests allowed",
			Detail: "kube-apiserver (process 812) must set --anonymous-auth=false, not true",
		}},
	}, {
		name:     "not a control-plane pod",
		manifest: "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: web, image: nginx, command: [nginx, --anonymous-auth]}]\n",
	}})
}
