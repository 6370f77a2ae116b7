package checks

import "testing"

func TestEtcdClientTLS(t *testing.T) {
	runCases(t, "etcd-client-tls", []checkCase{{
		name:     "kubeadm's default",
		manifest: kubeadmPod("etcd"),
	}, {
		name:     "a configuration file replaces the flags",
		manifest: controlPlanePod("etcd", "--config-file=/etc/etcd/etcd.yaml"),
	}, {
		name:     "auto-TLS, no client certificates, plain http beside https",
		manifest: kubeadmPod("etcd", "!--cert-file", "!--key-file", "--client-cert-auth=false", "!--trusted-ca-file", "--listen-client-urls=https://127.0.0.1:2379,http://192.168.0.10:2379", "--auto-tls"),
		lines:    true,
		want: []finding{{
			Object: etcdPod, Path: cpArgs, Reason: "etcd clients without mutual TLS", Line: 12,
			Detail: cpEtcd + " must set --cert-file (etcd serves its clients without TLS by default)",
		}, {
			Object: etcdPod, Path: cpArgs, Reason: "etcd clients without mutual TLS", Line: 12,
			Detail: cpEtcd + " must set --key-file (etcd serves its clients without TLS by default)",
		}, {
			Object: etcdPod, Path: "spec.containers[0].command[2]", Reason: "etcd clients without mutual TLS", Line: 15,
			Detail: cpEtcd + " must set --client-cert-auth=true, not false",
		}, {
			Object: etcdPod, Path: cpArgs, Reason: "etcd clients without mutual TLS", Line: 12,
			Detail: cpEtcd + " must set --trusted-ca-file (its clients' client certificates are verified against no CA)",
		}, {
			Object: etcdPod, Path: "spec.containers[0].command[17]", Reason: "etcd clients without mutual TLS", Line: 30,
			Detail: cpEtcd + " must not set --auto-tls=true (a self-signed certificate no client can verify)",
		}, {
			Object: etcdPod, Path: "spec.containers[0].command[7]", Reason: "etcd clients without mutual TLS", Line: 20,
			Detail: cpEtcd + " must listen for clients over https, not http://192.168.0.10:2379 in --listen-client-urls",
		}},
	}, {
		name: "a running process with etcd's defaults",
		host: processNode("etcd", 700, "--name", "default", "--data-dir", "/var/lib/etcd"),
		want: []finding{{
			Object: "File /proc/700/cmdline", Path: "--cert-file", Reason: "etcd clients without mutual TLS",
			Detail: "etcd (process 700) must set --cert-file (etcd serves its clients without TLS by default)",
		}, {
			Object: "File /proc/700/cmdline", Path: "--key-file", Reason: "etcd clients without mutual TLS",
			Detail: "etcd (process 700) must set --key-file (etcd serves its clients without TLS by default)",
		}, {
			Object: "File /proc/700/cmdline", Path: "--client-cert-auth", Reason: "etcd clients without mutual TLS",
			Detail: "etcd (process 700) must set --client-cert-auth=true (its clients need no client certificate by default)",
		}, {
			Object: "File /proc/700/cmdline", Path: "--trusted-ca-file", Reason: "etcd clients without mutual TLS",
			Detail: "etcd (process 700) must set --trusted-ca-file (its clients' client certificates are verified against no CA)",
		}, {
			Object: "File /proc/700/cmdline", Path: "--listen-client-urls", Reason: "etcd clients without mutual TLS",
			Detail: "etcd (process 700) must set --listen-client-urls to https URLs (http://localhost:2379 by default)",
		}},
	}})
}
