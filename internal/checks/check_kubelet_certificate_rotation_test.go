package checks

import "testing"

func TestKubeletCertificateRotation(t *testing.T) {
	const reason = "kubelet client certificate not rotated"
	runCases(t, "kubelet-certificate-rotation", []checkCase{{
		name:     "kubeadm's configuration rotates",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, ""),
	}, {
		name:     "turned off in the file",
		manifest: kubeletConfig("rotateCertificates: true", "rotateCertificates: false"),
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "rotateCertificates", Reason: reason,
			Detail: "KubeletConfiguration must set rotateCertificates=true, not false", Line: 42,
		}},
	}, {
		name:     "not set in the file",
		manifest: kubeletConfig("rotateCertificates: true\n", ""),
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "rotateCertificates", Reason: reason,
			Detail: "KubeletConfiguration must set rotateCertificates=true (the client certificate is never renewed by default)",
		}},
	}, {
		name:     "turned off by a flag",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, "--rotate-certificates=false"),
		want: []finding{{
			Object: "File " + kubeletDefaults, Path: "--rotate-certificates", Reason: reason,
			Detail: kubeletName + " must set --rotate-certificates=true, not false",
		}},
	}, {
		name: "no configuration file",
		host: kubeletUnit(false, ""),
		want: []finding{{
			Object: "File " + kubeletDropIn, Path: "--rotate-certificates", Reason: reason,
			Detail: kubeletName + " must set --rotate-certificates=true (the client certificate is never renewed by default)",
		}},
	}, {
		name: "no configuration file, the flag alone turns it on",
		host: kubeletUnit(false, "--rotate-certificates"),
	}})
}
