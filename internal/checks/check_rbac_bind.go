package checks

// The bind verb on roles lifts the API server's guard against privilege
// escalation for bindings: whoever holds it may bind any role they name,
// cluster-admin included, to themselves.
//
// Inspected fields (Role, ClusterRole; aggregated ClusterRoles through the
// rules they aggregate):
//   rules[*].verbs, with rules[*].apiGroups, rules[*].resources
// Allowed values: no rule granting bind ("bind" or "*") on roles or
// clusterroles of group rbac.authorization.k8s.io. Built-in roles are not
// reported.

import "github.com/kubestride/kubestride/internal/check"

func init() {
	check.Register(grantCheck(check.Meta{
		ID:          "rbac-bind",
		Title:       "RBAC bind permission",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Critical,
		Description: "The bind verb on roles or clusterroles lets its holder create bindings to roles whose permissions they do not have. With it, and the right to create a binding, anyone can bind cluster-admin to themselves.",
		Remediation: "Remove the bind verb (and \"*\") from rules on roles and clusterroles, or limit it with resourceNames to the roles that may be handed out.",
		References:  []string{refRBACGood + "#bind-verb", refRBACEscalation},
	}, rbacGrant{
		verbs:   []string{"bind"},
		targets: []rbacResource{{groupRBAC, "roles", ""}, {groupRBAC, "clusterroles", ""}},
	}, "verbs", "role binding permission", 0))
}
