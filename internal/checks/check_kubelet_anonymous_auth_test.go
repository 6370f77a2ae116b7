package checks

import "testing"

func TestKubeletAnonymousAuth(t *testing.T) {
	const reason = "anonymous kubelet requests"
	runCases(t, "kubelet-anonymous-auth", []checkCase{{
		name:     "kubeadm's configuration turns it off",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, ""),
	}, {
		name:     "turned on in the file",
		manifest: kubeletConfig("    enabled: false", "    enabled: true"),
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "authentication.anonymous.enabled", Reason: reason,
			Detail: "KubeletConfiguration must set authentication.anonymous.enabled=false, not true", Line: 4,
		}},
	}, {
		name:     "a flag wins over the file",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, "--anonymous-auth"),
		lines:    true,
		want: []finding{{
			Object: "File " + kubeletDefaults, Path: "--anonymous-auth", Reason: reason,
			Detail: kubeletName + " must set --anonymous-auth=false, not true", Line: 1,
		}},
	}, {
		name:     "a flag turns off what the file turns on",
		manifest: kubeletConfig("    enabled: false", "    enabled: true"),
		host:     kubeletUnit(true, "--anonymous-auth=false"),
	}, {
		name: "no configuration file: the flag's default allows anonymous requests",
		host: kubeletUnit(false, ""),
		want: []finding{{
			Object: "File " + kubeletDropIn, Path: "--anonymous-auth", Reason: reason,
			Detail: kubeletName + " must set --anonymous-auth=false (anonymous requests are allowed by default)",
		}},
	}, {
		name: "--config names a file that was not read: only flags are judged",
		host: kubeletUnit(true, ""),
	}})
}
