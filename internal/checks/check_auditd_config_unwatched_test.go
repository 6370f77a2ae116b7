package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/host"
)

func TestAuditdConfigUnwatched(t *testing.T) {
	etcd := controlPlanePod("etcd", "--data-dir=/data/etcd", "--name=cp1")
	runCases(t, "auditd-config-unwatched", []checkCase{{
		name:     "the rules kubestride prints for a control-plane node",
		manifest: etcd,
		host:     auditNode(t, host.AuditdRules([]string{"/usr/bin/kubelet", "/etc/kubernetes", "/var/lib/kubelet", "/data/etcd"}), nil),
	}, {
		name: "no node read",
	}, {
		name: "no auditd rules at all",
		host: &host.Node{Root: "/"},
		want: []finding{{
			Object: "File /etc/audit/rules.d", Reason: "no auditd rules",
			Detail: "auditd must watch the Kubernetes binaries, configuration and data (-w PATH -p wa): the node has no rules in /etc/audit/rules.d or /etc/audit/audit.rules",
		}},
	}, {
		name:     "a parent covers, a watch without a, etcd's data dir from its flag unwatched",
		manifest: etcd,
		host:     auditNode(t, "-w /var/lib -p rwa\n-w /etc/kubernetes/ -p w -k k8s\n-w /var/lib/etcd -p wa\n", nil),
		lines:    true,
		want: []finding{{
			Object: "File /etc/audit/rules.d/k8s.rules", Line: 2, Reason: "kubernetes configuration not watched",
			Detail: "auditd must watch /etc/kubernetes and everything under it for writes and attribute changes (-w /etc/kubernetes -p wa), not -p w",
		}, {
			Object: "File /data/etcd", Reason: "kubernetes configuration not watched",
			Detail: "auditd must watch /data/etcd and everything under it for writes and attribute changes (-w /data/etcd -p wa)",
		}},
	}, {
		name: "a worker: no etcd, an exact syscall watch does not cover what is under it",
		host: auditNode(t, "-w /etc/kubernetes -p wa\n-a always,exit -F path=/var/lib/kubelet -F perm=wa\n-w /var/lib/kubelet/config.yaml -p wa\n", nil),
		want: []finding{{
			Object: "File /etc/audit/rules.d/k8s.rules", Line: 2, Reason: "kubernetes configuration not watched",
			Detail: "auditd must watch /var/lib/kubelet and everything under it for writes and attribute changes (-w /var/lib/kubelet -p wa), not the directory alone (-F path=)",
		}},
	}})
}
