package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestEtcdMemberCount(t *testing.T) {
	// etcdOn returns the etcd static pod of control-plane node name, which
	// joined a cluster of members.
	etcdOn := func(name, members string) string {
		return "---\n" + controlPlanePod("etcd", "--name="+name, "--initial-cluster="+members, "--initial-cluster-state=existing")
	}
	runCases(t, "etcd-member-count", []checkCase{{
		name:     "kubeadm's default: one member",
		manifest: kubeadmPod("etcd"),
		lines:    true,
		want: []finding{{
			Object: etcdPod, Path: "spec.containers[0].command[7]", Reason: "etcd without fault tolerance", Line: 20,
			Detail: cpEtcd + " must run 3 or 5 etcd members, not 1 (--initial-cluster names cp1; a single member tolerates no failure)",
		}},
	}, {
		name:     "three members",
		manifest: kubeadmPod("etcd", "--initial-cluster=cp1=https://10.0.0.1:2380,cp2=https://10.0.0.2:2380,cp3=https://10.0.0.3:2380"),
	}, {
		name: "the static pods of three nodes, which joined one after the other",
		manifest: controlPlanePod("etcd", "--name=cp1", "--initial-cluster=cp1=https://10.0.0.1:2380") +
			etcdOn("cp2", "cp1=https://10.0.0.1:2380,cp2=https://10.0.0.2:2380") +
			etcdOn("cp3", "cp1=https://10.0.0.1:2380,cp2=https://10.0.0.2:2380,cp3=https://10.0.0.3:2380"),
	}, {
		name:     "four members, one with two peer URLs",
		manifest: kubeadmPod("etcd", "--initial-cluster=a=https://10.0.0.1:2380,a=https://10.1.0.1:2380,b=https://10.0.0.2:2380,c=https://10.0.0.3:2380,d=https://10.0.0.4:2380"),
		want: []finding{{
			Object: etcdPod, Path: "spec.containers[0].command[7]", Reason: "etcd without fault tolerance", Severity: check.Low,
			Detail: cpEtcd + " must run 3 or 5 etcd members, not 4 (--initial-cluster names a, b, c, d; 4 members tolerate 1 failure, as 3 do)",
		}},
	}, {
		name:     "a configuration file replaces the flags",
		manifest: controlPlanePod("etcd", "--config-file=/etc/etcd/etcd.yaml"),
	}, {
		name: "a running process with two members",
		host: processNode("etcd", 700, "--initial-cluster", "a=https://10.0.0.1:2380,b=https://10.0.0.2:2380"),
		want: []finding{{
			Object: "File /proc/700/cmdline", Path: "--initial-cluster", Reason: "etcd without fault tolerance", Severity: check.Low,
			Detail: "etcd (process 700) must run 3 or 5 etcd members, not 2 (--initial-cluster names a, b; 2 members tolerate no failure, as 1 does)",
		}},
	}, {
		name: "a running process with etcd's default",
		host: processNode("etcd", 700, "--data-dir=/var/lib/etcd"),
		want: []finding{{
			Object: "File /proc/700/cmdline", Path: "--initial-cluster", Reason: "etcd without fault tolerance",
			Detail: "etcd (process 700) must run 3 or 5 etcd members, not 1 (--initial-cluster names default; a single member tolerates no failure)",
		}},
	}})
}
