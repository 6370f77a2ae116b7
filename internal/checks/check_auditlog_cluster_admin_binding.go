package checks

// A binding to cluster-admin created or changed: whoever it names may do
// anything in the cluster. It is the shortest path from any foothold to
// full control, and rarely needed after a cluster is set up.
//
// Inspected: completed, allowed creates, updates and patches of role
// bindings and cluster role bindings whose body (as the policy logged it,
// at level Request or RequestResponse) refers to the ClusterRole
// cluster-admin.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-cluster-admin-binding",
		Title:       "Binding to cluster-admin created",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Critical,
		Description: "A RoleBinding or ClusterRoleBinding to the ClusterRole cluster-admin was created or changed, giving its subjects every permission (in a namespace, or in the whole cluster).",
		Remediation: "Confirm who needed cluster-admin and why; delete the binding if it was not intended, and grant narrower roles instead.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
			"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles",
		},
	}, func(auditlog.Options) auditlog.Detector { return &clusterAdminBindings{} }))
}

type clusterAdminBindings struct{}

func (clusterAdminBindings) Observe(e *auditlog.Event, emit func(check.Finding)) {
	if !completed(e) || !e.Succeeded() || !isBindingResource(e) || (e.Verb != "create" && e.Verb != "update" && e.Verb != "patch") {
		return
	}
	b := bindingOf(e)
	if b == nil || b.RoleRef.Kind != "ClusterRole" || b.RoleRef.Name != "cluster-admin" {
		return
	}
	t := auditlog.Trail{Principal: e.Who()}
	t.Add(e)
	emit(check.Finding{AuditTrail: t.Subject(), Reason: "cluster-admin granted",
		Detail: fmt.Sprintf("%s %s %s binding cluster-admin to %s %s", e.Who(), past(e.Verb), objectNote(e), b.subjects(), t.Span())})
}

func (clusterAdminBindings) Flush(func(check.Finding)) {}
