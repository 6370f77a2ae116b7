package checks

// RBAC changes: every Role, ClusterRole, RoleBinding and ClusterRoleBinding
// created, changed or deleted, by whom. A change of who may do what is the
// step between a foothold and control of the cluster, and the one an
// investigator asks about first.
//
// Inspected: completed, allowed writes on the rbac.authorization.k8s.io
// resources, except by control-plane components (system: users that are no
// service accounts), which reconcile the default roles at every start.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-rbac-change",
		Title:       "RBAC changed",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Medium,
		Description: "Roles, cluster roles or their bindings were created, changed or deleted; each change grants or removes permissions and is how access is escalated or a trail removed.",
		Remediation: "Confirm each RBAC change was reviewed and intended; revert the ones that were not, and manage RBAC through reviewed manifests.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
			"https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
		},
	}, func(auditlog.Options) auditlog.Detector {
		return newGrouped(func(e *auditlog.Event) (string, string, string, bool) {
			if !completed(e) || !e.Succeeded() || !isWrite(e.Verb) || !auditRBACResource(e) || component(e.Acting()) {
				return "", "", "", false
			}
			return "", e.Who(), e.Verb + " " + objectNote(e), true
		}, func(g *group) check.Finding {
			return check.Finding{AuditTrail: g.Trail.Subject(), Reason: "rbac changed",
				Detail: fmt.Sprintf("%s changed RBAC (%s) %s", g.Trail.Principal, g.notes(), g.Trail.Span())}
		})
	}))
}

// auditRBACResource reports whether e is about roles or bindings.
func auditRBACResource(e *auditlog.Event) bool {
	if e.Group() != "rbac.authorization.k8s.io" {
		return false
	}
	switch e.Resource() {
	case "roles", "clusterroles", "rolebindings", "clusterrolebindings":
		return true
	}
	return false
}
