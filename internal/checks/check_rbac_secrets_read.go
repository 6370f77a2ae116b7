package checks

// Reading Secrets reads the credentials they hold: service account tokens,
// registry and cloud credentials, TLS keys. list and watch return every
// secret's data, not just the names.
//
// Category InformationDisclosure. Inspected fields (Role, ClusterRole;
// aggregated ClusterRoles through the rules they aggregate):
//   rules[*].verbs, with rules[*].apiGroups, rules[*].resources,
//   rules[*].resourceNames
// Allowed values: no rule granting get, list or watch (or "*") on secrets
// (core group). A rule limited by resourceNames reads only the secrets it
// names and is reported at medium severity. Built-in roles are not reported.

import "github.com/kubestride/kubestride/internal/check"

func init() {
	check.Register(grantCheck(check.Meta{
		ID:          "rbac-secrets-read",
		Title:       "Permission to read secrets",
		Category:    check.InformationDisclosure,
		Severity:    check.High,
		Description: "get, list or watch on secrets reveals the credentials they hold; list and watch return the data of every secret in scope, not only their names. A service account token read this way carries that account's permissions.",
		Remediation: "Remove get, list and watch on secrets, or limit get to the secrets the holder needs with resourceNames.",
		References:  []string{refRBACGood + "#listing-secrets", refSecrets},
	}, rbacGrant{
		verbs:   []string{"get", "list", "watch"},
		targets: []rbacResource{{"", "secrets", ""}},
	}, "verbs", "secret read permission", check.Medium))
}
