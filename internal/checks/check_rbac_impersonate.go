package checks

// Impersonation makes every request its holder sends count as another
// identity's: impersonating a user, a group (system:masters) or a service
// account gives that identity's permissions.
//
// Inspected fields (Role, ClusterRole; aggregated ClusterRoles through the
// rules they aggregate):
//   rules[*].verbs, with rules[*].apiGroups, rules[*].resources
// Allowed values: no rule granting impersonate ("impersonate" or "*") on
// users, groups, serviceaccounts (core group), or on uids or userextras/*
// (authentication.k8s.io). Built-in roles are not reported.

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/rbac"
)

func init() {
	check.Register(perRole(impersonateMeta, func(r *rbacRoleView) []check.Finding {
		var out []check.Finding
		for _, rr := range r.rules {
			_, targets, _ := impersonateGrant.match(rr.Rule)
			targets = append(targets, userExtrasImpersonated(rr.Rule)...)
			if len(targets) == 0 {
				continue
			}
			// Impersonation always names the identity, so resourceNames
			// narrow every target.
			named := len(rr.Rule.ResourceNames) > 0
			out = append(out, r.finding(impersonateMeta.Severity, 0, rr, "verbs", "impersonation permission", grantPhrase(impersonateGrant.verbs, targets, rr.Rule, named)))
		}
		return out
	}))
}

var impersonateMeta = check.Meta{
	ID:          "rbac-impersonate",
	Title:       "Impersonation permission",
	Category:    check.ElevationOfPrivilege,
	Severity:    check.Critical,
	Description: "The impersonate verb lets its holder act as another user, group or service account, with all of that identity's permissions. Impersonating the system:masters group, or any administrator, is full control of the cluster.",
	Remediation: "Remove the impersonate verb (and \"*\") from the role, or limit it with resourceNames to identities that hold no more than the impersonator.",
	References:  []string{refRBACGood + "#impersonate-verb", refImpersonation},
}

var impersonateGrant = rbacGrant{
	verbs: []string{"impersonate"},
	targets: []rbacResource{
		{"", "users", ""},
		{"", "groups", ""},
		{"", "serviceaccounts", ""},
		{groupAuthn, "uids", ""},
	},
}

// userExtrasImpersonated returns the user extras rule grants impersonate
// on. The extra's key is the request's subresource of userextras, so a rule
// reaches it through "*" (every key, returned as plain "userextras"),
// "userextras/<key>" or "*/<key>".
func userExtrasImpersonated(rule *rbacv1.PolicyRule) []rbacResource {
	if !rbac.VerbMatches(rule, "impersonate") || !rbac.GroupMatches(rule, groupAuthn) {
		return nil
	}
	var out []rbacResource
	for _, res := range rule.Resources {
		if res == rbacv1.ResourceAll {
			return []rbacResource{{groupAuthn, "userextras", ""}}
		}
		if key, ok := strings.CutPrefix(res, "userextras/"); ok && key != "" {
			out = append(out, rbacResource{groupAuthn, "userextras", key})
		} else if key, ok := strings.CutPrefix(res, "*/"); ok && key != "" {
			out = append(out, rbacResource{groupAuthn, "userextras", key})
		}
	}
	return out
}
