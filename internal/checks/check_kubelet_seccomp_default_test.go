package checks

import "testing"

func TestKubeletSeccompDefault(t *testing.T) {
	const reason = "no default seccomp profile"
	runCases(t, "kubelet-seccomp-default", []checkCase{{
		name:     "kubeadm's configuration does not set it",
		manifest: kubeadmKubeletConfig,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "seccompDefault", Reason: reason,
			Detail: "KubeletConfiguration must set seccompDefault=true (containers without a seccomp profile run Unconfined by default)",
		}},
	}, {
		name:     "false in the file",
		manifest: kubeadmKubeletConfig + "seccompDefault: false\n",
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "seccompDefault", Reason: reason,
			Detail: "KubeletConfiguration must set seccompDefault=true, not false", Line: 50,
		}},
	}, {
		name:     "hardened",
		manifest: hardenedKubeletConfig,
	}, {
		name:     "set by flag",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, "--seccomp-default"),
	}, {
		name: "no configuration file",
		host: kubeletUnit(false, ""),
		want: []finding{{
			Object: "File " + kubeletDropIn, Path: "--seccomp-default", Reason: reason,
			Detail: kubeletName + " must set --seccomp-default=true (containers without a seccomp profile run Unconfined by default)",
		}},
	}})
}
