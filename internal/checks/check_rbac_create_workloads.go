package checks

// Creating pods, or any controller that makes pods, runs code in the
// namespace as any of its ServiceAccounts, with any volume (secrets
// included) and, where Pod Security Admission does not stop it, on the host.
//
// Inspected fields (Role, ClusterRole; aggregated ClusterRoles through the
// rules they aggregate):
//   rules[*].verbs, with rules[*].apiGroups, rules[*].resources
// Allowed values: no rule granting create ("create" or "*") on pods,
// replicationcontrollers (core), deployments, replicasets, statefulsets,
// daemonsets (apps), jobs or cronjobs (batch). A rule limited by
// resourceNames grants no create, which never carries a name. Built-in roles
// are not reported.

import "github.com/kubestride/kubestride/internal/check"

func init() {
	check.Register(grantCheck(check.Meta{
		ID:          "rbac-create-workloads",
		Title:       "Permission to create workloads",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "Creating pods, or workloads that create pods, runs code in the namespace as any of its service accounts and with any of its secrets mounted. Where privileged pods are admitted, it also reaches the node.",
		Remediation: "Grant create on pods and workload kinds only to deployment pipelines and controllers that need it, and enforce the restricted Pod Security Standard in their namespaces.",
		References:  []string{refRBACGood + "#workload-creation", refPSA},
	}, rbacGrant{
		verbs: []string{"create"},
		targets: []rbacResource{
			{"", "pods", ""},
			{"apps", "deployments", ""},
			{"apps", "replicasets", ""},
			{"apps", "statefulsets", ""},
			{"apps", "daemonsets", ""},
			{"batch", "jobs", ""},
			{"batch", "cronjobs", ""},
			{"", "replicationcontrollers", ""},
		},
	}, "verbs", "workload creation permission", 0))
}
