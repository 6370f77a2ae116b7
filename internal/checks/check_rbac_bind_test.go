package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACBind(t *testing.T) {
	const reason = "role binding permission"
	runCases(t, "rbac-bind", []checkCase{
		{
			name: "bind on clusterroles held through a RoleBinding",
			manifest: clusterRole("binder", "rules:\n- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}\n- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}\n") +
				roleBinding("team-a", "binder", "ClusterRole", "binder", "[{kind: ServiceAccount, name: deployer}, {kind: ServiceAccount, name: ci, namespace: ci}]"),
			want: []finding{{
				Object: "ClusterRole binder", Path: "rules[1].verbs", Reason: reason,
				Detail: `ClusterRole "binder" grants bind on clusterroles (rules[1]); bound to ServiceAccount team-a/deployer, ServiceAccount ci/ci via RoleBinding team-a/binder`,
			}},
		},
		{
			name:     "limited to named roles, not bound",
			manifest: role("team-a", "binder", "rules:\n- {apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles], resourceNames: [view], verbs: [bind]}\n"),
			want: []finding{{
				Object: "Role team-a/binder", Path: "rules[0].verbs", Reason: reason, Severity: check.High,
				Detail: `Role team-a/binder grants bind on roles, clusterroles named "view" only (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name: "several bindings",
			manifest: clusterRole("binder", "rules:\n- {apiGroups: [\"*\"], resources: [clusterroles], verbs: [\"*\"]}\n") +
				roleBinding("team-b", "b", "ClusterRole", "binder", "[{kind: User, name: bob}]") +
				roleBinding("team-a", "a", "ClusterRole", "binder", "[{kind: User, name: amy}]") +
				clusterRoleBinding("z", "ClusterRole", "binder", "[{kind: Group, name: admins}]"),
			want: []finding{{
				Object: "ClusterRole binder", Path: "rules[0].verbs", Reason: reason,
				Detail: `ClusterRole "binder" grants bind on clusterroles (rules[0]); bound to Group "admins" via ClusterRoleBinding "z", User "amy" via RoleBinding team-a/a, User "bob" via RoleBinding team-b/b`,
			}},
		},
		{
			name:     "creating bindings without bind",
			manifest: clusterRole("binding-manager", "rules:\n- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings, clusterrolebindings], verbs: [create, update, delete]}\n- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [bind]}\n"),
		},
	})
}
