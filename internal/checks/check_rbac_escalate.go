package checks

// The escalate verb on roles lifts the API server's guard against privilege
// escalation: whoever holds it may write any rule into a Role or
// ClusterRole, including rules they do not hold themselves, and then use it
// through a binding they already have.
//
// Inspected fields (Role, ClusterRole; aggregated ClusterRoles through the
// rules they aggregate):
//   rules[*].verbs, with rules[*].apiGroups, rules[*].resources
// Allowed values: no rule granting escalate ("escalate" or "*") on roles or
// clusterroles of group rbac.authorization.k8s.io. Built-in roles are not
// reported.

import "github.com/kubestride/kubestride/internal/check"

func init() {
	check.Register(grantCheck(check.Meta{
		ID:          "rbac-escalate",
		Title:       "RBAC escalate permission",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Critical,
		Description: "The escalate verb on roles or clusterroles lets its holder add any permission to a role, including permissions they do not have. Anyone holding it can make themselves cluster administrator.",
		Remediation: "Remove the escalate verb (and \"*\") from rules on roles and clusterroles; keep it only for the identity that administers RBAC.",
		References:  []string{refRBACGood + "#escalate-verb", refRBACEscalation},
	}, rbacGrant{
		verbs:   []string{"escalate"},
		targets: []rbacResource{{groupRBAC, "roles", ""}, {groupRBAC, "clusterroles", ""}},
	}, "verbs", "role escalation permission", 0))
}
