package checks

import "testing"

func TestAPIServerEncryptionConfigMissing(t *testing.T) {
	runCases(t, "apiserver-encryption-config-missing", []checkCase{{
		name:     "kubeadm's default: not set",
		manifest: kubeadmPod("kube-apiserver"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: cpArgs, Reason: "secrets stored unencrypted", Line: 12,
			Detail: cpAPIServer + " must set --encryption-provider-config (Secrets are stored in etcd in plain text by default)",
		}},
	}, {
		name:     "hardened",
		manifest: kubeadmPod("kube-apiserver", "--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml"),
	}, {
		name:     "set empty",
		manifest: kubeadmPod("kube-apiserver", "--encryption-provider-config="),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[28]", Reason: "secrets stored unencrypted", Line: 41,
			Detail: cpAPIServer + " must set --encryption-provider-config (Secrets are stored in etcd in plain text by default)",
		}},
	}, {
		name: "a running process",
		host: processNode("kube-apiserver", 812, "--secure-port=6443"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--encryption-provider-config", Reason: "secrets stored unencrypted",
			Detail: "kube-apiserver (process 812) must set --encryption-provider-config (Secrets are stored in etcd in plain text by default)",
		}},
	}})
}
