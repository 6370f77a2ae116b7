package checks

// cluster-admin allows every verb on every resource. Bound by a
// ClusterRoleBinding it is full control of the cluster; bound by a
// RoleBinding, full control of the namespace, its secrets and its service
// accounts included.
//
// Inspected fields (ClusterRoleBinding, RoleBinding with roleRef ClusterRole
// cluster-admin):
//   subjects[*]
// Allowed values: system subjects only: the group system:masters, users and
// groups named "system:*" that stand for control-plane components, and
// ServiceAccounts in kube-system. Not system subjects: system:anonymous,
// system:unauthenticated, system:authenticated, system:serviceaccounts and
// system:serviceaccounts:<ns>, and system:serviceaccount:<ns>:<name> users,
// outside kube-system.

import (
	"strconv"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "cluster-admin-binding",
			Title:       "Binding to cluster-admin",
			Category:    check.ElevationOfPrivilege,
			Topic:       check.TopicRBAC,
			Severity:    check.Critical,
			Description: "The cluster-admin ClusterRole allows every action on every resource. A ClusterRoleBinding to it gives full control of the cluster, and a RoleBinding full control of the namespace, to people and workloads that rarely need either.",
			Remediation: "Bind a role with only the permissions the subject needs instead of cluster-admin, and keep cluster-admin for break-glass access.",
			References:  []string{refRBACGood + "#least-privilege", refRBAC + "#user-facing-roles"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, b := range allBindings(inv) {
				if b.roleRef.Kind != "ClusterRole" || b.roleRef.Name != "cluster-admin" {
					continue
				}
				scope := "full control of the cluster"
				if !b.cluster {
					scope = "full control of namespace " + strconv.Quote(b.obj.Namespace())
				}
				for i, s := range b.subjects {
					if systemSubject(&b, s) {
						continue
					}
					f := check.Finding{
						Object: b.obj,
						Path:   subjectPath(i),
						Reason: "cluster administrator binding",
						Detail: b.String() + " binds " + b.roleNoun() + " to " + b.subjectNoun(s) + " (" + scope + ")",
					}
					if clusterAdmins(inv).adminBindingEntry(&b, i) {
						// Grouped under rbac-cluster-admin-equivalent,
						// which reports this entry.
						f.Severity, f.Detail = check.Info, f.Detail+adminSubjectNote
					}
					out = append(out, f)
				}
			}
			return out
		},
	})
}

// systemSubject reports whether s, a subject of b, is a control-plane
// identity: the group system:masters, a ServiceAccount in kube-system, or a
// user or group named "system:*" other than the ones that stand for
// anonymous, every authenticated identity or service accounts outside
// kube-system.
func systemSubject(b *rbacBinding, s rbacv1.Subject) bool {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		return b.subjectNamespace(s) == "kube-system"
	case rbacv1.UserKind:
		if s.Name == "system:anonymous" {
			return false
		}
		if rest, ok := strings.CutPrefix(s.Name, "system:serviceaccount:"); ok {
			return strings.HasPrefix(rest, "kube-system:")
		}
		return strings.HasPrefix(s.Name, "system:")
	case rbacv1.GroupKind:
		switch s.Name {
		case "system:masters", "system:serviceaccounts:kube-system":
			return true
		case "system:authenticated", "system:unauthenticated", "system:serviceaccounts":
			return false
		}
		if strings.HasPrefix(s.Name, "system:serviceaccounts:") {
			return false
		}
		return strings.HasPrefix(s.Name, "system:")
	}
	return false
}
