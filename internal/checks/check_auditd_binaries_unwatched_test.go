package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/host"
)

func TestAuditdBinariesUnwatched(t *testing.T) {
	runCases(t, "auditd-binaries-unwatched", []checkCase{{
		name: "the rules kubestride prints",
		host: auditNode(t, host.AuditdRules(host.WatchPaths(nil, nil)), nil),
	}, {
		name: "no auditd rules: reported once, by auditd-config-unwatched",
		host: &host.Node{Root: "/"},
	}, {
		name: "a syscall watch, a watch without w, none",
		host: auditNode(t, `-a always,exit -F arch=b64 -S all -F path=/usr/bin/kubelet -F perm=wa -k kubelet
-w /usr/bin/kubeadm -p xa
-w /etc/kubernetes -p wa
`, nil),
		lines: true,
		want: []finding{{
			Object: "File /etc/audit/rules.d/k8s.rules", Line: 2, Reason: "kubernetes binary not watched",
			Detail: "auditd must watch /usr/bin/kubeadm for writes and attribute changes (-w /usr/bin/kubeadm -p wa), not -p xa",
		}, {
			Object: "File /usr/bin/kubectl", Reason: "kubernetes binary not watched",
			Detail: "auditd must watch /usr/bin/kubectl for writes and attribute changes (-w /usr/bin/kubectl -p wa)",
		}},
	}, {
		name: "binaries where the node has them; a directory watch covers them",
		host: auditNode(t, "-w /usr/local/bin -p wa\n-a always,exit -F arch=b64 -S openat -F path=/opt/bin/kubeadm\n", map[string]host.FileInfo{
			"/usr/local/bin/kubelet": {Mode: 0o755},
			"/opt/bin/kubeadm":       {Mode: 0o755},
			"/usr/bin/kubectl":       {Missing: true},
			"/usr/local/bin/kubectl": {Missing: true},
		}),
		lines: true,
		want: []finding{{
			Object: "File /etc/audit/rules.d/k8s.rules", Line: 2, Reason: "kubernetes binary not watched",
			Detail: "auditd must watch /opt/bin/kubeadm for writes and attribute changes (-w /opt/bin/kubeadm -p wa), not only some system calls",
		}},
	}})
}
