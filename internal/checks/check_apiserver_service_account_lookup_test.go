package checks

import "testing"

func TestAPIServerServiceAccountLookup(t *testing.T) {
	runCases(t, "apiserver-service-account-lookup", []checkCase{{
		name:     "kubeadm's default: not set, true",
		manifest: kubeadmPod("kube-apiserver"),
	}, {
		name:     "set true",
		manifest: kubeadmPod("kube-apiserver", "--service-account-lookup=true"),
	}, {
		name:     "set false",
		manifest: kubeadmPod("kube-apiserver", "--service-account-lookup=false"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[28]", Reason: "tokens of deleted service accounts accepted", Line: 41,
			Detail: cpAPIServer + " must not set --service-account-lookup=false (tokens of deleted service accounts stay valid)",
		}},
	}, {
		name: "a running process",
		host: processNode("kube-apiserver", 812, "--service-account-lookup=0"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--service-account-lookup", Reason: "tokens of deleted service accounts accepted",
			Detail: "kube-apiserver (process 812) must not set --service-account-lookup=0 (tokens of deleted service accounts stay valid)",
		}},
	}})
}
