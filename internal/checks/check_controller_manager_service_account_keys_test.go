package checks

import "testing"

func TestControllerManagerServiceAccountKeys(t *testing.T) {
	runCases(t, "controller-manager-service-account-keys", []checkCase{{
		name:     "kubeadm's default",
		manifest: kubeadmPod("kube-controller-manager"),
	}, {
		name:     "neither set",
		manifest: kubeadmPod("kube-controller-manager", "!--service-account-private-key-file", "!--root-ca-file"),
		lines:    true,
		want: []finding{{
			Object: kcmPod, Path: cpArgs, Reason: "service account key or root CA not set", Line: 12,
			Detail: cpKCM + " must set --service-account-private-key-file (the tokens controller does not run without it)",
		}, {
			Object: kcmPod, Path: cpArgs, Reason: "service account key or root CA not set", Line: 12,
			Detail: cpKCM + " must set --root-ca-file (pods are given the CA of the controller manager's kubeconfig to verify the API server)",
		}},
	}, {
		name: "a running process without a root CA",
		host: processNode("kube-controller-manager", 901, "--service-account-private-key-file=/pki/sa.key"),
		want: []finding{{
			Object: "File /proc/901/cmdline", Path: "--root-ca-file", Reason: "service account key or root CA not set",
			Detail: "kube-controller-manager (process 901) must set --root-ca-file (pods are given the CA of the controller manager's kubeconfig to verify the API server)",
		}},
	}})
}
