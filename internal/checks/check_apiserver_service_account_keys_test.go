package checks

import "testing"

func TestAPIServerServiceAccountKeys(t *testing.T) {
	runCases(t, "apiserver-service-account-keys", []checkCase{{
		name:     "kubeadm's default",
		manifest: kubeadmPod("kube-apiserver"),
	}, {
		name:     "an external signer replaces the key files",
		manifest: kubeadmPod("kube-apiserver", "!--service-account-key-file", "!--service-account-signing-key-file", "--service-account-signing-endpoint=/run/signer.sock"),
	}, {
		name:     "no verification key: the serving key verifies tokens",
		manifest: kubeadmPod("kube-apiserver", "!--service-account-key-file"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: cpArgs, Reason: "service account token keys not set", Line: 12,
			Detail: cpAPIServer + " must set --service-account-key-file (tokens are verified with the API server's TLS serving key by default)",
		}},
	}, {
		name: "a running process with none",
		host: processNode("kube-apiserver", 812, "--secure-port=6443"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--service-account-issuer", Reason: "service account token keys not set",
			Detail: "kube-apiserver (process 812) must set --service-account-issuer (service account tokens carry no issuer; the API server does not start without it)",
		}, {
			Object: "File /proc/812/cmdline", Path: "--service-account-key-file", Reason: "service account token keys not set",
			Detail: "kube-apiserver (process 812) must set --service-account-key-file (tokens are verified with the API server's TLS serving key by default)",
		}, {
			Object: "File /proc/812/cmdline", Path: "--service-account-signing-key-file", Reason: "service account token keys not set",
			Detail: "kube-apiserver (process 812) must set --service-account-signing-key-file (bound tokens cannot be signed; the API server does not start without it)",
		}},
	}})
}
