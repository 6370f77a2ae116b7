package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestClusterAdminBinding(t *testing.T) {
	const reason = "cluster administrator binding"
	runCases(t, "cluster-admin-binding", []checkCase{
		{
			// Each subject is cluster-admin-equivalent: the findings are
			// grouped under rbac-cluster-admin-equivalent.
			name: "users and service accounts outside the control plane",
			manifest: clusterRoleBinding("admins", "ClusterRole", "cluster-admin",
				"[{kind: Group, name: \"system:masters\"}, {kind: User, name: alice@example.com}, {kind: ServiceAccount, name: argocd, namespace: argocd}]"),
			want: []finding{
				{
					Object: "ClusterRoleBinding admins", Path: "subjects[1]", Reason: reason, Severity: check.Info,
					Detail: `ClusterRoleBinding "admins" binds ClusterRole "cluster-admin" to User "alice@example.com" (full control of the cluster)` + adminSubjectNote,
				},
				{
					Object: "ClusterRoleBinding admins", Path: "subjects[2]", Reason: reason, Severity: check.Info,
					Detail: `ClusterRoleBinding "admins" binds ClusterRole "cluster-admin" to ServiceAccount argocd/argocd (full control of the cluster)` + adminSubjectNote,
				},
			},
		},
		{
			name: "a RoleBinding gives the namespace",
			manifest: roleBinding("team-a", "owner", "ClusterRole", "cluster-admin",
				"[{kind: ServiceAccount, name: default}, {kind: ServiceAccount, name: builder, namespace: kube-system}]"),
			want: []finding{{
				Object: "RoleBinding team-a/owner", Path: "subjects[0]", Reason: reason,
				Detail: `RoleBinding team-a/owner binds ClusterRole "cluster-admin" to ServiceAccount team-a/default (full control of namespace "team-a")`,
			}},
		},
		{
			name: "system names that stand for everyone are not system subjects",
			manifest: clusterRoleBinding("everyone", "ClusterRole", "cluster-admin",
				"[{kind: Group, name: \"system:authenticated\"}, {kind: Group, name: \"system:unauthenticated\"}, {kind: User, name: \"system:anonymous\"}, "+
					"{kind: Group, name: \"system:serviceaccounts\"}, {kind: Group, name: \"system:serviceaccounts:team-a\"}, "+
					"{kind: User, name: \"system:serviceaccount:team-a:ci\"}]"),
			want: []finding{
				{Object: "ClusterRoleBinding everyone", Path: "subjects[0]", Reason: reason, Severity: check.Info, Detail: `ClusterRoleBinding "everyone" binds ClusterRole "cluster-admin" to Group "system:authenticated" (full control of the cluster)` + adminSubjectNote},
				{Object: "ClusterRoleBinding everyone", Path: "subjects[1]", Reason: reason, Severity: check.Info, Detail: `ClusterRoleBinding "everyone" binds ClusterRole "cluster-admin" to Group "system:unauthenticated" (full control of the cluster)` + adminSubjectNote},
				{Object: "ClusterRoleBinding everyone", Path: "subjects[2]", Reason: reason, Severity: check.Info, Detail: `ClusterRoleBinding "everyone" binds ClusterRole "cluster-admin" to User "system:anonymous" (full control of the cluster)` + adminSubjectNote},
				{Object: "ClusterRoleBinding everyone", Path: "subjects[3]", Reason: reason, Severity: check.Info, Detail: `ClusterRoleBinding "everyone" binds ClusterRole "cluster-admin" to Group "system:serviceaccounts" (full control of the cluster)` + adminSubjectNote},
				{Object: "ClusterRoleBinding everyone", Path: "subjects[4]", Reason: reason, Severity: check.Info, Detail: `ClusterRoleBinding "everyone" binds ClusterRole "cluster-admin" to Group "system:serviceaccounts:team-a" (full control of the cluster)` + adminSubjectNote},
				{Object: "ClusterRoleBinding everyone", Path: "subjects[5]", Reason: reason, Severity: check.Info, Detail: `ClusterRoleBinding "everyone" binds ClusterRole "cluster-admin" to User "system:serviceaccount:team-a:ci" (full control of the cluster)` + adminSubjectNote},
			},
		},
		{
			name: "system subjects",
			manifest: clusterRoleBinding("cluster-admin", "ClusterRole", "cluster-admin",
				"[{kind: Group, name: \"system:masters\"}, {kind: User, name: \"system:kube-controller-manager\"}, {kind: Group, name: \"system:serviceaccounts:kube-system\"}, "+
					"{kind: User, name: \"system:serviceaccount:kube-system:bootstrap\"}, {kind: ServiceAccount, name: bootstrap, namespace: kube-system}]") +
				roleBinding("kube-system", "local", "ClusterRole", "cluster-admin", "[{kind: ServiceAccount, name: default}]"),
		},
		{
			name: "other roles",
			manifest: roleBinding("team-a", "admins", "ClusterRole", "admin", "[{kind: User, name: alice}]") +
				roleBinding("team-a", "local", "Role", "cluster-admin", "[{kind: User, name: alice}]"),
		},
	})
}
