package checks

// Whoever replaces the kubelet, kubeadm or kubectl binary on a node runs
// their code as root with the node's credentials at the next start, and
// nothing in Kubernetes records it. An auditd watch on each binary records
// who wrote it and when.
//
// Inspected: the auditd rules the node command read (etc/audit/rules.d,
// etc/audit/audit.rules) against the Kubernetes binaries where the node
// has them (/usr/bin/kubelet, kubeadm and kubectl by default). Allowed: a
// watch with permissions w and a (-w PATH -p wa, or wxa, rwxa; or -a
// always,exit -F path=PATH -F perm=wa) on the binary or, with -w or -F
// dir=, on a directory above it. When the node has no auditd rules at all,
// auditd-config-unwatched says so once.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "auditd-binaries-unwatched",
		Title:       "Kubernetes binaries not watched by auditd",
		Category:    check.Tampering,
		Severity:    check.Medium,
		NeedsHost:   true,
		Description: "A replaced kubelet, kubeadm or kubectl binary runs as root with the node's credentials, and nothing in Kubernetes records the change. Without an auditd watch on the binaries, tampering with them leaves no trace.",
		Remediation: "Watch the Kubernetes binaries for writes and attribute changes with auditd (-w /usr/bin/kubelet -p wa); kubestride node auditd-rules prints the rules.",
		References: []string{
			"https://man7.org/linux/man-pages/man7/audit.rules.7.html",
			"https://man7.org/linux/man-pages/man8/auditctl.8.html",
		},
	}, func(v *nodeView) []check.Finding {
		n := v.inv.Host
		if n == nil || !n.AuditRulesRead {
			return nil
		}
		return unwatched(n, host.BinaryPaths(n), "kubernetes binary not watched", false)
	}))
}
