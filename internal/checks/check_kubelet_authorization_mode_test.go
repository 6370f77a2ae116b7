package checks

import "testing"

func TestKubeletAuthorizationMode(t *testing.T) {
	const reason = "kubelet requests not authorized"
	runCases(t, "kubelet-authorization-mode", []checkCase{{
		name:     "kubeadm's configuration: Webhook",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, ""),
	}, {
		name:     "AlwaysAllow in the file",
		manifest: kubeletConfig("  mode: Webhook", "  mode: AlwaysAllow"),
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "authorization.mode", Reason: reason,
			Detail: "KubeletConfiguration must set authorization.mode=Webhook, not AlwaysAllow", Line: 11,
		}},
	}, {
		name:     "a flag wins over the file",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, "--authorization-mode AlwaysAllow"),
		lines:    true,
		want: []finding{{
			Object: "File " + kubeletDefaults, Path: "--authorization-mode", Reason: reason,
			Detail: kubeletName + " must set --authorization-mode=Webhook, not AlwaysAllow", Line: 1,
		}},
	}, {
		name: "no configuration file: AlwaysAllow by default",
		host: kubeletUnit(false, ""),
		want: []finding{{
			Object: "File " + kubeletDropIn, Path: "--authorization-mode", Reason: reason,
			Detail: kubeletName + " must set --authorization-mode=Webhook (AlwaysAllow by default: every request is allowed)",
		}},
	}, {
		name: "no configuration file, Webhook by flag",
		host: kubeletUnit(false, "--authorization-mode=Webhook"),
	}})
}
