package checks

import "testing"

func TestAPIServerWeakTLS(t *testing.T) {
	runCases(t, "apiserver-weak-tls", []checkCase{{
		name:     "kubeadm's default: TLS 1.2 and Go's default suites",
		manifest: kubeadmPod("kube-apiserver"),
	}, {
		name:     "TLS 1.3 and secure suites, legacy names included",
		manifest: kubeadmPod("kube-apiserver", "--tls-min-version=VersionTLS13", "--tls-cipher-suites=TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"),
	}, {
		name:     "TLS 1.0 and insecure suites",
		manifest: kubeadmPod("kube-apiserver", "--tls-min-version=VersionTLS10", "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_3DES_EDE_CBC_SHA,TLS_ECDHE_RSA_WITH_RC4_128_SHA,TLS_RSA_WITH_AES_128_GCM_SHA256"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[28]", Reason: "weak TLS", Line: 41,
			Detail: cpAPIServer + " must not set --tls-min-version=VersionTLS10 (below VersionTLS12)",
		}, {
			Object: apiserverPod, Path: "spec.containers[0].command[29]", Reason: "weak TLS", Line: 42,
			Detail: cpAPIServer + " must not list insecure cipher suites in --tls-cipher-suites: TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_ECDHE_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_AES_128_GCM_SHA256",
		}},
	}, {
		name: "a running process with TLS 1.1",
		host: processNode("kube-apiserver", 812, "--tls-min-version", "VersionTLS11"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--tls-min-version", Reason: "weak TLS",
			Detail: "kube-apiserver (process 812) must not set --tls-min-version=VersionTLS11 (below VersionTLS12)",
		}},
	}})
}
