package checks

// An audit Policy records nothing of a request no rule matches. Without a
// rule that matches every request at its end, every kind of request the
// policy's author did not think of (a new API, a custom resource) goes
// unrecorded; rules after such a rule are never reached.
//
// Inspected: the rules of every audit Policy. Allowed: a last rule with no
// users, userGroups, verbs, resources, namespaces or nonResourceURLs, at
// Metadata or above.

import (
	"fmt"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "audit-policy-catch-all",
		Title:       "Audit policy has no catch-all rule",
		Category:    check.Repudiation,
		Severity:    check.Medium,
		Description: "The API server records nothing of a request no audit Policy rule matches: without a last rule that matches every request, whatever the policy does not name (new APIs, custom resources) goes unrecorded.",
		Remediation: "End the policy's rules with a rule that sets only level: Metadata (and omitStages).",
		CIS:         "3.2.1",
		References:  []string{"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy"},
	}, func(v *nodeView) []check.Finding {
		const reason = "no catch-all audit rule"
		var out []check.Finding
		for _, p := range v.auditPolicies() {
			rules := p.policy.Rules
			last := -1
			for i := range rules {
				if matchesEverything(&rules[i]) {
					last = i
					break
				}
			}
			switch {
			case last < 0:
				out = append(out, objectAt(p.obj, "rules", reason,
					"rules must end with a rule that matches every request (no users, userGroups, verbs, resources, namespaces or nonResourceURLs): requests no rule names go unrecorded"))
				continue
			case rules[last].Level == auditv1.LevelNone:
				out = append(out, objectAt(p.obj, rulePath(last)+".level", reason,
					fmt.Sprintf("%s matches every request and must record it at Metadata at least, not None: requests no earlier rule names go unrecorded", rulePath(last))))
			}
			if last < len(rules)-1 {
				f := objectAt(p.obj, rulePath(last+1), "unreachable audit rules",
					fmt.Sprintf("%s must be the last rule: it matches every request, so the %d rules after it are never reached", rulePath(last), len(rules)-1-last))
				f.Severity = check.Low
				out = append(out, f)
			}
		}
		return out
	}))
}
