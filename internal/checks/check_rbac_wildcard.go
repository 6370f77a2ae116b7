package checks

// A wildcard in an RBAC rule grants more than anyone reviewed: every verb,
// every API group or every resource, including the ones that API extensions
// add later, and the escalate, bind and impersonate verbs with them.
//
// Inspected fields (Role, ClusterRole; aggregated ClusterRoles through the
// rules they aggregate):
//   rules[*].verbs
//   rules[*].apiGroups
//   rules[*].resources
//   rules[*].nonResourceURLs
// Allowed values: any list without "*" (and, in resources, without "*/x",
// which names subresource x of every resource). Built-in roles (system:*,
// cluster-admin, admin, edit, view) are not reported.

import (
	"strings"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	meta := check.Meta{
		ID:          "rbac-wildcard",
		Title:       "Wildcard in an RBAC rule",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "A \"*\" in the verbs, API groups or resources of a role's rule grants every verb or every resource, including escalate, bind, impersonate and resources that do not exist yet. Whoever holds the role can do far more than its purpose needs.",
		Remediation: "List the exact verbs, API groups and resources the role needs instead of \"*\".",
		References:  []string{refRBACGood + "#least-privilege", refRBAC + "#referring-to-resources"},
	}
	check.Register(perRole(meta, func(r *rbacRoleView) []check.Finding {
		var out []check.Finding
		for _, rr := range r.rules {
			if field, what := wildcardFields(rr); field != "" {
				out = append(out, r.finding(meta.Severity, 0, rr, field, "wildcard role rules", what))
			}
		}
		return out
	}))
}

// wildcardFields returns the first field of rr that holds a wildcard and a
// phrase naming every wildcard of the rule: `"*" in verbs and resources`,
// `"*/scale" in resources`. Both are "" when the rule has none.
func wildcardFields(rr rbacRule) (first, phrase string) {
	fields := []struct {
		name   string
		values []string
		sub    bool // "*/x" counts as a wildcard too
	}{
		{"verbs", rr.Rule.Verbs, false},
		{"apiGroups", rr.Rule.APIGroups, false},
		{"resources", rr.Rule.Resources, true},
		{"nonResourceURLs", rr.Rule.NonResourceURLs, false},
	}
	var star, parts []string
	for _, f := range fields {
		var subs []string
		all := false
		for _, v := range f.values {
			switch {
			case v == "*":
				all = true
			case f.sub && strings.HasPrefix(v, "*/"):
				subs = append(subs, v)
			}
		}
		if !all && len(subs) == 0 {
			continue
		}
		if first == "" {
			first = f.name
		}
		if all {
			star = append(star, f.name)
		} else {
			parts = append(parts, joinQuote(subs)+" in "+f.name)
		}
	}
	if first == "" {
		return "", ""
	}
	if len(star) > 0 {
		parts = append([]string{`"*" in ` + joinAnd(star)}, parts...)
	}
	return first, joinAnd(parts)
}

// joinAnd joins items as "a", "a and b" or "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
