package checks

import "testing"

func TestKubeletPodPidsLimit(t *testing.T) {
	const reason = "no pod PID limit"
	runCases(t, "kubelet-pod-pids-limit", []checkCase{{
		name:     "kubeadm's configuration sets no limit",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, ""),
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "podPidsLimit", Reason: reason,
			Detail: "KubeletConfiguration must set podPidsLimit to a positive number (pods have no PID limit by default)", Line: 1,
		}},
	}, {
		name:     "-1 in the file",
		manifest: kubeadmKubeletConfig + "podPidsLimit: -1\n",
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "podPidsLimit", Reason: reason,
			Detail: "KubeletConfiguration must set podPidsLimit to a positive number, not -1", Line: 50,
		}},
	}, {
		name:     "hardened",
		manifest: hardenedKubeletConfig,
	}, {
		name:     "a flag sets the limit the file lacks",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, "--pod-max-pids=4096"),
	}, {
		name:     "a flag lifts the limit the file sets",
		manifest: hardenedKubeletConfig,
		host:     kubeletUnit(true, "--pod-max-pids=-1"),
		lines:    true,
		want: []finding{{
			Object: "File " + kubeletDefaults, Path: "--pod-max-pids", Reason: reason,
			Detail: kubeletName + " must set --pod-max-pids to a positive number, not -1", Line: 1,
		}},
	}, {
		name: "no configuration file",
		host: kubeletUnit(false, ""),
		want: []finding{{
			Object: "File " + kubeletDropIn, Path: "--pod-max-pids", Reason: reason,
			Detail: kubeletName + " must set --pod-max-pids to a positive number (pods have no PID limit by default)",
		}},
	}})
}
