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
//
// Grades, by what the wildcard covers:
//   - high (the default): a wildcard that reaches a built-in API group:
//     "*" in apiGroups, or any rule that lists the core group "", apps,
//     batch, policy, autoscaling, extensions or a group ending in ".k8s.io"
//     (rbac.authorization.k8s.io among them), and "*" in nonResourceURLs.
//   - low: a wildcard in verbs or resources of a rule whose API groups are
//     all groups of custom resources (any other group, such as
//     cert-manager.io), or the read-only aggregated metrics APIs
//     (metrics.k8s.io, custom.metrics.k8s.io, external.metrics.k8s.io). It
//     reaches only the objects an operator defines for itself, or metrics
//     that cannot be written; it grants neither escalate, bind nor
//     impersonate, nor any built-in resource. What a custom resource makes
//     its controller do is that controller's RBAC, judged on its own roles.
//   - one step lower again when the rule lists resourceNames: it reaches
//     the objects it names only, not every object of the resource (and
//     never a create, which carries no name).
// A role that nobody in the scanned set holds is graded one step lower, as
// in every rbac-* check.

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

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
				sev, scope := wildcardScope(rr.Rule, meta.Severity)
				out = append(out, r.finding(meta.Severity, sev, rr, field, "wildcard role rules", what+scope))
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

// readOnlyAggregatedGroups are the aggregated APIs that serve reads only.
var readOnlyAggregatedGroups = map[string]bool{
	"metrics.k8s.io": true, "custom.metrics.k8s.io": true, "external.metrics.k8s.io": true,
}

// builtinGroup reports whether group is one of Kubernetes' own API groups.
func builtinGroup(group string) bool {
	switch group {
	case "", "*", "apps", "batch", "policy", "autoscaling", "extensions":
		return true
	}
	return strings.HasSuffix(group, ".k8s.io")
}

// wildcardScope grades a wildcard rule by what it covers (see the comment
// at the top of the file) and returns the severity (0 for def) and a phrase
// naming the scope that lowered it: ` within API group "cert-manager.io"`,
// ` on objects named "a", "b" only`.
func wildcardScope(rule *rbacv1.PolicyRule, def check.Severity) (check.Severity, string) {
	sev, scope := def, ""
	if len(rule.NonResourceURLs) == 0 && len(rule.APIGroups) > 0 {
		confined := true
		for _, g := range rule.APIGroups {
			if builtinGroup(g) && !readOnlyAggregatedGroups[g] {
				confined = false
				break
			}
		}
		if confined {
			sev = check.Low
			scope = " within " + pluralize("API group", "API groups", len(rule.APIGroups)) + " " + joinQuote(rule.APIGroups)
		}
	}
	if len(rule.ResourceNames) > 0 {
		sev = lowerSeverity(sev)
		scope += " on objects named " + joinQuote(rule.ResourceNames) + " only"
	}
	if sev == def {
		return 0, scope
	}
	return sev, scope
}
