package checks

import "testing"

func TestKubeletIPTablesUtilChains(t *testing.T) {
	const reason = "iptables utility chains not managed"
	runCases(t, "kubelet-iptables-util-chains", []checkCase{{
		name:     "kubeadm's configuration: true by default",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, ""),
	}, {
		name: "no configuration file: true by default",
		host: kubeletUnit(false, ""),
	}, {
		name:     "false in the file",
		manifest: kubeadmKubeletConfig + "makeIPTablesUtilChains: false\n",
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "makeIPTablesUtilChains", Reason: reason,
			Detail: "KubeletConfiguration must set makeIPTablesUtilChains=true, not false", Line: 50,
		}},
	}, {
		name:     "false by flag",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, "--make-iptables-util-chains=false"),
		want: []finding{{
			Object: "File " + kubeletDefaults, Path: "--make-iptables-util-chains", Reason: reason,
			Detail: kubeletName + " must set --make-iptables-util-chains=true, not false",
		}},
	}})
}
