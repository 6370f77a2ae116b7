package checks

// At the Request and RequestResponse levels the API server writes request
// and response bodies to the audit log: for Secrets, ConfigMaps and
// TokenReviews those bodies are credentials (secret data, tokens), which
// end up in a log with wider readers and longer retention than etcd.
//
// Inspected: every audit Policy, evaluated as the API server evaluates it
// (the first matching rule decides) for reads and writes of secrets and
// configmaps and for tokenreviews, by ordinary users, service accounts,
// nodes and anonymous callers and by the users, groups, namespaces and
// resource names the rules name. Reported: each rule that records one of
// them above Metadata, including rules that match everything. Allowed:
// None or Metadata.

import (
	"fmt"
	"strings"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "audit-policy-logs-secrets",
		Title:       "Audit policy logs secret values",
		Category:    check.InformationDisclosure,
		Severity:    check.High,
		Description: "An audit Policy rule that records Secrets, ConfigMaps or TokenReviews at Request or RequestResponse writes their bodies (secret data, bearer tokens) to the audit log, which has more readers and a longer life than etcd.",
		Remediation: "Put a rule that records secrets, configmaps and tokenreviews.authentication.k8s.io at Metadata before any rule at Request or RequestResponse that matches them.",
		CIS:         "3.2.2",
		References:  []string{"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy"},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, p := range v.auditPolicies() {
			rt := judgeTargets(p.policy, auditSecretTargets, func(_ auditRequest, level auditv1.Level, _ int) bool {
				return level == auditv1.LevelRequest || level == auditv1.LevelRequestResponse
			})
			for _, i := range rt.sorted() {
				out = append(out, objectAt(p.obj, rulePath(i)+".level", "secret values in the audit log",
					fmt.Sprintf("%s must not log %s above Metadata, not at %s: their content goes to the audit log", rulePath(i), strings.Join(rt.targets[i], ", "), rt.levels[i])))
			}
		}
		return out
	}))
}
