package checks

// Creating serviceaccounts/token mints a token for a ServiceAccount (the
// TokenRequest API), and with it every permission of that account, without
// running a pod.
//
// Inspected fields (Role, ClusterRole; aggregated ClusterRoles through the
// rules they aggregate):
//   rules[*].resources, with rules[*].apiGroups, rules[*].verbs
// Allowed values: no rule granting create ("create" or "*") on
// serviceaccounts/token (core group), whether through
// "serviceaccounts/token", "*/token" or "*". Built-in roles are not
// reported.

import "github.com/kubestride/kubestride/internal/check"

func init() {
	check.Register(grantCheck(check.Meta{
		ID:          "rbac-serviceaccount-token",
		Title:       "Permission to create service account tokens",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "create on serviceaccounts/token issues tokens for service accounts through the TokenRequest API. Its holder gains the permissions of every service account it can reach, including controllers' accounts.",
		Remediation: "Remove create on serviceaccounts/token from the role, or limit it with resourceNames to service accounts that hold no more than the requester.",
		References:  []string{refRBACGood + "#token-request", refServiceAccounts},
	}, rbacGrant{
		verbs:   []string{"create"},
		targets: []rbacResource{{"", "serviceaccounts", "token"}},
	}, "resources", "service account token creation permission", 0))
}
