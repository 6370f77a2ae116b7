package checks

import "testing"

func TestAPIServerKubeletTLS(t *testing.T) {
	runCases(t, "apiserver-kubelet-tls", []checkCase{{
		name:     "kubeadm's default: no certificate authority",
		manifest: kubeadmPod("kube-apiserver"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: cpArgs, Reason: "kubelet connections without mutual TLS", Line: 12,
			Detail: cpAPIServer + " must set --kubelet-certificate-authority (the kubelets' serving certificates are not verified by default)",
		}},
	}, {
		name:     "hardened",
		manifest: kubeadmPod("kube-apiserver", "--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt"),
	}, {
		name:     "no client certificate, an empty key",
		manifest: kubeadmPod("kube-apiserver", "!--kubelet-client-certificate", "--kubelet-client-key=", "--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: cpArgs, Reason: "kubelet connections without mutual TLS", Line: 12,
			Detail: cpAPIServer + " must set --kubelet-client-certificate (the API server presents no client certificate to the kubelets)",
		}, {
			Object: apiserverPod, Path: "spec.containers[0].command[11]", Reason: "kubelet connections without mutual TLS", Line: 24,
			Detail: cpAPIServer + " must set --kubelet-client-key (the API server presents no client certificate to the kubelets)",
		}},
	}, {
		name: "a running process",
		host: processNode("kube-apiserver", 812, "--kubelet-client-certificate=/pki/c.crt", "--kubelet-client-key=/pki/c.key"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--kubelet-certificate-authority", Reason: "kubelet connections without mutual TLS",
			Detail: "kube-apiserver (process 812) must set --kubelet-certificate-authority (the kubelets' serving certificates are not verified by default)",
		}},
	}})
}
