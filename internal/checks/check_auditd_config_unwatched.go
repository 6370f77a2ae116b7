package checks

// A change to a static pod manifest, a kubeconfig, a certificate, the
// kubelet's configuration or etcd's data on disk changes what the cluster
// does without passing through the API server, so its audit log never
// sees it. auditd watches on those directories record who changed what
// and when: without them the change can be denied.
//
// Inspected: the auditd rules the node command read (etc/audit/rules.d,
// etc/audit/audit.rules) against /etc/kubernetes, /var/lib/kubelet and
// etcd's data directory (its --data-dir, else /var/lib/etcd) where the
// node runs etcd. Allowed: a watch with permissions w and a (-w PATH -p wa,
// or wxa, rwxa; or -a always,exit -F dir=PATH -F perm=wa) on the directory
// or one above it. A node without any auditd rule gets one finding.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "auditd-config-unwatched",
		Title:       "Kubernetes configuration and data not watched by auditd",
		Category:    check.Repudiation,
		Severity:    check.Medium,
		NeedsHost:   true,
		Description: "Changes to static pod manifests, kubeconfigs, certificates, the kubelet's configuration or etcd's data on disk bypass the API server and its audit log. Without auditd watches on /etc/kubernetes, /var/lib/kubelet and etcd's data directory nothing records who made them.",
		Remediation: "Watch /etc/kubernetes, /var/lib/kubelet and etcd's data directory for writes and attribute changes with auditd (-w /etc/kubernetes -p wa); kubestride node auditd-rules prints the rules.",
		References: []string{
			"https://man7.org/linux/man-pages/man7/audit.rules.7.html",
			"https://man7.org/linux/man-pages/man8/auditctl.8.html",
		},
	}, func(v *nodeView) []check.Finding {
		n := v.inv.Host
		if n == nil {
			return nil
		}
		if !n.AuditRulesRead {
			return []check.Finding{fileAt("/etc/audit/rules.d", "no auditd rules",
				"auditd must watch the Kubernetes binaries, configuration and data (-w PATH -p wa): the node has no rules in /etc/audit/rules.d or /etc/audit/audit.rules")}
		}
		return unwatched(n, host.ConfigPaths(v.components, n), "kubernetes configuration not watched", true)
	}))
}
