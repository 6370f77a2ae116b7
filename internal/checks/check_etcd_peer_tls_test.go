package checks

import "testing"

func TestEtcdPeerTLS(t *testing.T) {
	runCases(t, "etcd-peer-tls", []checkCase{{
		name:     "kubeadm's default",
		manifest: kubeadmPod("etcd"),
	}, {
		name:     "peer auto-TLS without peer client certificates",
		manifest: kubeadmPod("etcd", "!--peer-cert-file", "!--peer-key-file", "!--peer-client-cert-auth", "--peer-auto-tls=true"),
		lines:    true,
		want: []finding{{
			Object: etcdPod, Path: cpArgs, Reason: "etcd peers without mutual TLS", Line: 12,
			Detail: cpEtcd + " must set --peer-cert-file (etcd serves its peers without TLS by default)",
		}, {
			Object: etcdPod, Path: cpArgs, Reason: "etcd peers without mutual TLS", Line: 12,
			Detail: cpEtcd + " must set --peer-key-file (etcd serves its peers without TLS by default)",
		}, {
			Object: etcdPod, Path: cpArgs, Reason: "etcd peers without mutual TLS", Line: 12,
			Detail: cpEtcd + " must set --peer-client-cert-auth=true (its peers need no client certificate by default)",
		}, {
			Object: etcdPod, Path: "spec.containers[0].command[17]", Reason: "etcd peers without mutual TLS", Line: 30,
			Detail: cpEtcd + " must not set --peer-auto-tls=true (a self-signed certificate no peer can verify)",
		}},
	}, {
		name:     "plain http between peers",
		manifest: kubeadmPod("etcd", "--listen-peer-urls=http://192.168.0.10:2380"),
		want: []finding{{
			Object: etcdPod, Path: "spec.containers[0].command[11]", Reason: "etcd peers without mutual TLS",
			Detail: cpEtcd + " must listen for peers over https, not http://192.168.0.10:2380 in --listen-peer-urls",
		}},
	}, {
		name: "a running process",
		host: processNode("etcd", 700, "--peer-cert-file=/pki/peer.crt", "--peer-key-file=/pki/peer.key", "--peer-client-cert-auth",
			"--peer-trusted-ca-file=/pki/ca.crt", "--listen-peer-urls", "https://10.0.0.1:2380"),
	}})
}
