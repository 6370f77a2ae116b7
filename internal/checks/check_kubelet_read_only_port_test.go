package checks

import "testing"

func TestKubeletReadOnlyPort(t *testing.T) {
	const reason = "kubelet read-only port open"
	runCases(t, "kubelet-read-only-port", []checkCase{{
		name:     "kubeadm's configuration leaves it closed",
		manifest: kubeadmKubeletConfig,
	}, {
		name:     "opened in the file",
		manifest: kubeadmKubeletConfig + "readOnlyPort: 10255\n",
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "readOnlyPort", Reason: reason,
			Detail: "KubeletConfiguration must set readOnlyPort=0, not 10255", Line: 50,
		}},
	}, {
		name:     "opened by a flag over the file",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, "--read-only-port 10255"),
		want: []finding{{
			Object: "File " + kubeletDefaults, Path: "--read-only-port", Reason: reason,
			Detail: kubeletName + " must set --read-only-port=0, not 10255",
		}},
	}, {
		name: "no configuration file: open by default",
		host: kubeletUnit(false, ""),
		want: []finding{{
			Object: "File " + kubeletDropIn, Path: "--read-only-port", Reason: reason,
			Detail: kubeletName + " must set --read-only-port=0 (the unauthenticated read-only port 10255 is open by default)",
		}},
	}, {
		name: "no configuration file, closed by flag",
		host: kubeletUnit(false, "--read-only-port=0"),
	}})
}
