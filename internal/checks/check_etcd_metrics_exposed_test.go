package checks

import "testing"

func TestEtcdMetricsExposed(t *testing.T) {
	runCases(t, "etcd-metrics-exposed", []checkCase{{
		name:     "kubeadm's default: http on loopback",
		manifest: kubeadmPod("etcd"),
	}, {
		name:     "not set: metrics on the client port only",
		manifest: kubeadmPod("etcd", "!--listen-metrics-urls"),
	}, {
		name:     "https on the node's address",
		manifest: kubeadmPod("etcd", "--listen-metrics-urls=https://192.168.0.10:2381", "--metrics=extensive"),
	}, {
		name:     "http on every interface and on the node's address",
		manifest: kubeadmPod("etcd", "--listen-metrics-urls=http://127.0.0.1:2381,http://0.0.0.0:2381,http://192.168.0.10:2381"),
		want: []finding{{
			Object: etcdPod, Path: "spec.containers[0].command[10]", Reason: "etcd metrics unprotected",
			Detail: cpEtcd + " must serve metrics over https or on loopback only, not http://0.0.0.0:2381, http://192.168.0.10:2381 in --listen-metrics-urls",
		}},
	}, {
		name: "a running process with extensive metrics",
		host: processNode("etcd", 700, "--listen-metrics-urls", "http://10.0.0.5:2381", "--metrics", "extensive"),
		want: []finding{{
			Object: "File /proc/700/cmdline", Path: "--listen-metrics-urls", Reason: "etcd metrics unprotected",
			Detail: "etcd (process 700) must serve metrics over https or on loopback only, not http://10.0.0.5:2381 in --listen-metrics-urls (with --metrics=extensive: per-request histograms too)",
		}},
	}, {
		name:     "a config file: not judged",
		manifest: kubeadmPod("etcd", "--listen-metrics-urls=http://0.0.0.0:2381", "--config-file=/etc/etcd/etcd.yaml"),
	}})
}
