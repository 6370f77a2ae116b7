package checks

// Requests an audit Policy records at None, or that no rule matches, leave
// no trace: who read Secrets, who changed RBAC or the admission webhooks
// and policies, who ran exec, attach or port-forward in a pod cannot be
// told afterwards.
//
// Inspected: every audit Policy, evaluated as the API server evaluates it
// (the first matching rule decides, and a request no rule matches is not
// recorded) for reads and writes of secrets, of the RBAC objects and of
// the admission webhook configurations and policies, and for pods/exec,
// pods/attach and pods/portforward, by ordinary users, service accounts,
// nodes and anonymous callers and by the users, groups, namespaces and
// resource names the rules name. Allowed: Metadata or above.

import (
	"fmt"
	"strings"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "audit-policy-unrecorded",
		Title:       "Audit policy does not record sensitive requests",
		Category:    check.Repudiation,
		Severity:    check.Medium,
		Description: "Requests an audit Policy records at level None, or that no rule matches, leave no trace: who read Secrets, changed RBAC or the admission webhooks, or ran exec, attach or port-forward in a pod cannot be found out afterwards.",
		Remediation: "Record secrets, the RBAC objects, admission webhook configurations and policies, and pods/exec, pods/attach and pods/portforward at Metadata at least, in rules placed before any None rule that matches them, and end the policy with a catch-all rule at Metadata.",
		CIS:         "3.2.2",
		References:  []string{"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy"},
	}, func(v *nodeView) []check.Finding {
		const reason = "sensitive requests not recorded"
		var out []check.Finding
		for _, p := range v.auditPolicies() {
			rt := judgeTargets(p.policy, auditImportantTargets, func(_ auditRequest, level auditv1.Level, _ int) bool {
				return level == auditv1.LevelNone
			})
			for _, i := range rt.sorted() {
				targets := strings.Join(rt.targets[i], ", ")
				if i < 0 {
					out = append(out, objectAt(p.obj, "rules", reason,
						fmt.Sprintf("rules must record %s at Metadata at least: no rule matches some of their requests, which go unrecorded", targets)))
					continue
				}
				out = append(out, objectAt(p.obj, rulePath(i)+".level", reason,
					fmt.Sprintf("%s must not set level None for %s: their requests go unrecorded", rulePath(i), targets)))
			}
		}
		return out
	}))
}
