package checks

import "testing"

func TestAPIServerEtcdTLS(t *testing.T) {
	runCases(t, "apiserver-etcd-tls", []checkCase{{
		name:     "kubeadm's default",
		manifest: kubeadmPod("kube-apiserver"),
	}, {
		name:     "events on a separate etcd over TLS, and a unix socket",
		manifest: kubeadmPod("kube-apiserver", "--etcd-servers=https://127.0.0.1:2379,unix:///run/etcd.sock", "--etcd-servers-overrides=/events#https://10.0.0.5:2379;https://10.0.0.6:2379"),
	}, {
		name:     "plain http and no client certificate",
		manifest: kubeadmPod("kube-apiserver", "--etcd-servers=http://127.0.0.1:2379,https://10.0.0.2:2379", "!--etcd-certfile", "!--etcd-keyfile", "--etcd-servers-overrides=/events#http://10.0.0.5:2379;https://10.0.0.6:2379"),
		lines:    true,
		want: []finding{{
			Object: apiserverPod, Path: "spec.containers[0].command[8]", Reason: "etcd traffic without TLS", Line: 21,
			Detail: cpAPIServer + " must reach etcd over https, not http://127.0.0.1:2379 in --etcd-servers",
		}, {
			Object: apiserverPod, Path: "spec.containers[0].command[26]", Reason: "etcd traffic without TLS", Line: 39,
			Detail: cpAPIServer + " must reach etcd over https, not http://10.0.0.5:2379 in --etcd-servers-overrides",
		}, {
			Object: apiserverPod, Path: cpArgs, Reason: "etcd traffic without TLS", Line: 12,
			Detail: cpAPIServer + " must set --etcd-certfile (the API server presents no client certificate to etcd)",
		}, {
			Object: apiserverPod, Path: cpArgs, Reason: "etcd traffic without TLS", Line: 12,
			Detail: cpAPIServer + " must set --etcd-keyfile (the API server presents no client certificate to etcd)",
		}},
	}, {
		name: "a running process without a CA",
		host: processNode("kube-apiserver", 812, "--etcd-servers", "https://127.0.0.1:2379", "--etcd-certfile=/pki/e.crt", "--etcd-keyfile=/pki/e.key"),
		want: []finding{{
			Object: "File /proc/812/cmdline", Path: "--etcd-cafile", Reason: "etcd traffic without TLS",
			Detail: "kube-apiserver (process 812) must set --etcd-cafile (etcd's certificate is not verified without it)",
		}},
	}})
}
