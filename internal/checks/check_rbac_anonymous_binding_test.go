package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACAnonymousBinding(t *testing.T) {
	runCases(t, "rbac-anonymous-binding", []checkCase{
		{
			name: "unauthenticated and anonymous",
			manifest: clusterRoleBinding("public-view", "ClusterRole", "view",
				"[{kind: User, name: alice}, {kind: Group, name: \"system:unauthenticated\"}, {kind: User, name: \"system:anonymous\"}]"),
			want: []finding{
				{
					Object: "ClusterRoleBinding public-view", Path: "subjects[1]", Reason: "binding to unauthenticated users",
					Detail: `ClusterRoleBinding "public-view" binds ClusterRole "view" to Group "system:unauthenticated" (every request without credentials)`,
				},
				{
					Object: "ClusterRoleBinding public-view", Path: "subjects[2]", Reason: "binding to unauthenticated users",
					Detail: `ClusterRoleBinding "public-view" binds ClusterRole "view" to User "system:anonymous" (every request without credentials)`,
				},
			},
		},
		{
			name:     "authenticated, to a Role",
			manifest: roleBinding("team-a", "everyone", "Role", "reader", "[{kind: Group, name: \"system:authenticated\"}]"),
			want: []finding{{
				Object: "RoleBinding team-a/everyone", Path: "subjects[0]", Reason: "binding to all authenticated users", Severity: check.High,
				Detail: `RoleBinding team-a/everyone binds Role team-a/reader to Group "system:authenticated" (every authenticated user and service account)`,
			}},
		},
		{
			name:     "authenticated, to a system role that is not a discovery role",
			manifest: clusterRoleBinding("nodes", "ClusterRole", "system:node", "[{kind: Group, name: \"system:authenticated\"}]"),
			want: []finding{{
				Object: "ClusterRoleBinding nodes", Path: "subjects[0]", Reason: "binding to all authenticated users", Severity: check.High,
				Detail: `ClusterRoleBinding "nodes" binds ClusterRole "system:node" to Group "system:authenticated" (every authenticated user and service account)`,
			}},
		},
		{
			name:     "anonymous to discovery is still reported",
			manifest: clusterRoleBinding("old-discovery", "ClusterRole", "system:discovery", "[{kind: Group, name: \"system:unauthenticated\"}]"),
			want: []finding{{
				Object: "ClusterRoleBinding old-discovery", Path: "subjects[0]", Reason: "binding to unauthenticated users",
				Detail: `ClusterRoleBinding "old-discovery" binds ClusterRole "system:discovery" to Group "system:unauthenticated" (every request without credentials)`,
			}},
		},
		{
			name: "default discovery bindings",
			manifest: clusterRoleBinding("system:public-info-viewer", "ClusterRole", "system:public-info-viewer",
				"[{kind: Group, name: \"system:authenticated\"}, {kind: Group, name: \"system:unauthenticated\"}]") +
				clusterRoleBinding("system:discovery", "ClusterRole", "system:discovery", "[{kind: Group, name: \"system:authenticated\"}]") +
				clusterRoleBinding("system:basic-user", "ClusterRole", "system:basic-user", "[{kind: Group, name: \"system:authenticated\"}]"),
		},
		{
			name: "names that only look alike",
			manifest: clusterRoleBinding("lookalike", "ClusterRole", "view",
				"[{kind: Group, name: \"system:anonymous\"}, {kind: User, name: \"system:unauthenticated\"}, {kind: User, name: \"system:authenticated\"}]"),
		},
	})
}
