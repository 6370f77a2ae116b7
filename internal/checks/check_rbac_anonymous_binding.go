package checks

// A binding to system:anonymous or system:unauthenticated gives its role to
// every request that reaches the API server without credentials; a binding
// to system:authenticated, to every identity the cluster knows, service
// accounts of every namespace included.
//
// Category Spoofing. Inspected fields (ClusterRoleBinding, RoleBinding):
//   subjects[*].kind, subjects[*].name, with roleRef
// Allowed values: no User system:anonymous or Group system:unauthenticated
// subject (critical), except in a binding to the default
// system:public-info-viewer ClusterRole; no Group system:authenticated
// subject (high) except in bindings to the default discovery ClusterRoles
// system:basic-user, system:discovery and system:public-info-viewer.

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "rbac-anonymous-binding",
			Title:       "Binding to anonymous or all authenticated users",
			Category:    check.Spoofing,
			Topic:       check.TopicRBAC,
			Severity:    check.Critical,
			Description: "A binding to system:anonymous or system:unauthenticated gives its role to anyone who can reach the API server, without credentials. A binding to system:authenticated gives it to every user and every service account of every namespace.",
			Remediation: "Remove system:anonymous, system:unauthenticated and system:authenticated from the binding's subjects and bind the role to the identities that need it.",
			References:  []string{refRBACGood + "#hardening", refAnonymous, refDefaultRoles},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, b := range allBindings(inv) {
				clusterRole := ""
				if b.roleRef.Kind == "ClusterRole" {
					clusterRole = b.roleRef.Name
				}
				for i, s := range b.subjects {
					var sev check.Severity
					var reason, who string
					switch {
					case s.Kind == rbacv1.UserKind && s.Name == "system:anonymous",
						s.Kind == rbacv1.GroupKind && s.Name == "system:unauthenticated":
						if clusterRole == "system:public-info-viewer" {
							continue
						}
						reason, who = "binding to unauthenticated users", "every request without credentials"
					case s.Kind == rbacv1.GroupKind && s.Name == "system:authenticated":
						switch clusterRole {
						case "system:basic-user", "system:discovery", "system:public-info-viewer":
							continue
						}
						sev, reason, who = check.High, "binding to all authenticated users", "every authenticated user and service account"
					default:
						continue
					}
					out = append(out, check.Finding{
						Object:   b.obj,
						Path:     subjectPath(i),
						Reason:   reason,
						Detail:   b.String() + " binds " + b.roleNoun() + " to " + b.subjectNoun(s) + " (" + who + ")",
						Severity: sev,
					})
				}
			}
			return out
		},
	})
}
