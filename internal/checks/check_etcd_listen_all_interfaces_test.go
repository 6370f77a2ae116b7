package checks

import "testing"

func TestEtcdListenAllInterfaces(t *testing.T) {
	runCases(t, "etcd-listen-all-interfaces", []checkCase{{
		name:     "kubeadm's default: loopback and the node's address",
		manifest: kubeadmPod("etcd"),
	}, {
		name:     "not set: localhost by default",
		manifest: kubeadmPod("etcd", "!--listen-client-urls", "!--listen-peer-urls"),
	}, {
		name:     "all interfaces, IPv4 and IPv6",
		manifest: kubeadmPod("etcd", "--listen-client-urls=https://0.0.0.0:2379", "--listen-peer-urls=https://[::]:2380,https://192.168.0.10:2380"),
		lines:    true,
		want: []finding{{
			Object: etcdPod, Path: "spec.containers[0].command[9]", Reason: "etcd on all interfaces", Line: 22,
			Detail: cpEtcd + " must not listen on all interfaces: https://0.0.0.0:2379 in --listen-client-urls",
		}, {
			Object: etcdPod, Path: "spec.containers[0].command[11]", Reason: "etcd on all interfaces", Line: 24,
			Detail: cpEtcd + " must not listen on all interfaces: https://[::]:2380 in --listen-peer-urls",
		}},
	}, {
		name: "a running process without a host",
		host: processNode("etcd", 700, "--listen-client-urls", "https://:2379"),
		want: []finding{{
			Object: "File /proc/700/cmdline", Path: "--listen-client-urls", Reason: "etcd on all interfaces",
			Detail: "etcd (process 700) must not listen on all interfaces: https://:2379 in --listen-client-urls",
		}},
	}})
}
