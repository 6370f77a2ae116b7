package checks

// Unless the RequestReceived stage is omitted, the API server writes an
// audit event when it receives a request and another when it answers: the
// log doubles, fills its disk and rotates twice as fast, and the trail
// it keeps gets shorter.
//
// Inspected: omitStages of every audit Policy and of each of its rules
// that records (level other than None). Allowed: RequestReceived in the
// policy's omitStages, or in that of every rule that records.

import (
	"fmt"
	"slices"
	"strings"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "audit-policy-request-received",
		Title:       "Audit policy records each request twice",
		Category:    check.Repudiation,
		Severity:    check.Low,
		Description: "Without RequestReceived in omitStages the API server writes an audit event when a request arrives and another when it is answered: the log doubles in size and rotates away its history twice as fast.",
		Remediation: "Add omitStages: [RequestReceived] at the top of the audit Policy.",
		CIS:         "3.2.2",
		References:  []string{"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy"},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, p := range v.auditPolicies() {
			if slices.Contains(p.policy.OmitStages, auditv1.StageRequestReceived) {
				continue
			}
			var twice []string
			for i, r := range p.policy.Rules {
				if r.Level != auditv1.LevelNone && !slices.Contains(r.OmitStages, auditv1.StageRequestReceived) {
					twice = append(twice, rulePath(i))
				}
			}
			if len(twice) > 0 {
				verb := "record"
				if len(twice) == 1 {
					verb = "records"
				}
				out = append(out, objectAt(p.obj, "omitStages", "RequestReceived stage recorded",
					fmt.Sprintf("omitStages must list RequestReceived: %s %s every request twice", strings.Join(twice, ", "), verb)))
			}
		}
		return out
	}))
}
