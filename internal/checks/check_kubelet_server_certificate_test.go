package checks

import "testing"

func TestKubeletServerCertificate(t *testing.T) {
	const reason = "self-signed kubelet serving certificate"
	runCases(t, "kubelet-server-certificate", []checkCase{{
		name:     "kubeadm's configuration: self-signed",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, ""),
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "serverTLSBootstrap", Reason: reason,
			Detail: "KubeletConfiguration must set serverTLSBootstrap=true or tlsCertFile (the kubelet serves a self-signed certificate by default)",
		}},
	}, {
		name:     "serverTLSBootstrap",
		manifest: hardenedKubeletConfig,
	}, {
		name:     "a certificate file",
		manifest: kubeadmKubeletConfig + "tlsCertFile: /var/lib/kubelet/pki/kubelet.crt\ntlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key\n",
	}, {
		name:     "a certificate file by flag",
		manifest: kubeadmKubeletConfig,
		host:     kubeletUnit(true, "--tls-cert-file=/var/lib/kubelet/pki/kubelet.crt --tls-private-key-file=/var/lib/kubelet/pki/kubelet.key"),
	}, {
		name:     "turned off in the file",
		manifest: kubeadmKubeletConfig + "serverTLSBootstrap: false\n",
		lines:    true,
		want: []finding{{
			Object: "KubeletConfiguration ", Path: "serverTLSBootstrap", Reason: reason,
			Detail: "KubeletConfiguration must set serverTLSBootstrap=true or tlsCertFile, not serverTLSBootstrap=false", Line: 50,
		}},
	}, {
		name:     "turned off by a flag over the file",
		manifest: hardenedKubeletConfig,
		host:     kubeletUnit(true, "--rotate-server-certificates=false"),
		lines:    true,
		want: []finding{{
			Object: "File " + kubeletDefaults, Path: "--rotate-server-certificates", Reason: reason,
			Detail: kubeletName + " must set --rotate-server-certificates=true or --tls-cert-file, not --rotate-server-certificates=false", Line: 1,
		}},
	}, {
		name: "no configuration file",
		host: kubeletUnit(false, ""),
		want: []finding{{
			Object: "File " + kubeletDropIn, Path: "--rotate-server-certificates", Reason: reason,
			Detail: kubeletName + " must set --rotate-server-certificates=true or --tls-cert-file (the kubelet serves a self-signed certificate by default)",
		}},
	}})
}
