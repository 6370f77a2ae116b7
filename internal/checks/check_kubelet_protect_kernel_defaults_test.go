package checks

import "testing"

func TestKubeletProtectKernelDefaults(t *testing.T) {
	const reason = "kernel defaults not protected"
	runCases(t, "kubelet-protect-kernel-defaults", []checkCase{{
		name:     "kubeadm's configuration does not set it",
		manifest: kubeadmKubeletConfig,
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "protectKernelDefaults", Reason: reason,
			Detail: "KubeletConfiguration must set protectKernelDefaults=true (the kubelet overwrites kernel tunables by default)", Line: 1,
		}},
	}, {
		name:     "hardened",
		manifest: hardenedKubeletConfig,
	}, {
		name:     "set by flag",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, "--protect-kernel-defaults"),
	}, {
		name:     "turned off by flag over the file",
		manifest: hardenedKubeletConfig,
		host:     kubeletUnit(true, "--protect-kernel-defaults=false"),
		want: []finding{{
			Object: "File " + kubeletDefaults, Path: "--protect-kernel-defaults", Reason: reason,
			Detail: kubeletName + " must set --protect-kernel-defaults=true, not false",
		}},
	}})
}
