package checks

// A change to a Role, ClusterRole or binding recorded at Metadata says
// who changed which object, not what it grants now: the permissions an
// attacker gave themselves cannot be read from the log.
//
// Inspected: every audit Policy, evaluated as the API server evaluates it
// for create, update, patch, delete and deletecollection of roles,
// rolebindings, clusterroles and clusterrolebindings. Allowed:
// RequestResponse. None is the audit-policy-unrecorded check's.

import (
	"fmt"
	"strings"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	var targets []auditTarget
	for _, t := range auditRBACTargets {
		t.Verbs = writes
		targets = append(targets, t)
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "audit-policy-rbac-changes",
		Title:       "Audit policy does not record what RBAC changes grant",
		Category:    check.Repudiation,
		Severity:    check.Medium,
		Description: "Changes to Roles, ClusterRoles and their bindings recorded below RequestResponse do not keep the rules and subjects written, so the permissions someone granted cannot be read from the audit log.",
		Remediation: "Record create, update, patch, delete and deletecollection of the rbac.authorization.k8s.io resources at RequestResponse, in a rule placed before the rules that record them lower.",
		CIS:         "3.2.2",
		References:  []string{"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy"},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, p := range v.auditPolicies() {
			rt := judgeTargets(p.policy, targets, func(_ auditRequest, level auditv1.Level, _ int) bool {
				return level == auditv1.LevelMetadata || level == auditv1.LevelRequest
			})
			for _, i := range rt.sorted() {
				out = append(out, objectAt(p.obj, rulePath(i)+".level", "RBAC changes not recorded in full",
					fmt.Sprintf("%s must log changes to %s at RequestResponse, not %s: what they grant is not recorded", rulePath(i), strings.Join(rt.targets[i], ", "), rt.levels[i])))
			}
		}
		return out
	}))
}
