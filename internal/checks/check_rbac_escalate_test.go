package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACEscalate(t *testing.T) {
	const reason = "role escalation permission"
	runCases(t, "rbac-escalate", []checkCase{
		{
			name: "escalate on roles and clusterroles, bound",
			manifest: clusterRole("ops", "rules:\n- {apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles], verbs: [escalate]}\n") +
				clusterRoleBinding("ops", "ClusterRole", "ops", "[{kind: ServiceAccount, name: ci, namespace: kube-system}]"),
			want: []finding{{
				Object: "ClusterRole ops", Path: "rules[0].verbs", Reason: reason,
				Detail: `ClusterRole "ops" grants escalate on roles, clusterroles (rules[0]); bound to ServiceAccount kube-system/ci via ClusterRoleBinding "ops"`,
			}},
		},
		{
			name:     "star verb, not bound",
			manifest: role("team-a", "rbac", "rules:\n- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [\"*\"]}\n"),
			want: []finding{{
				Object: "Role team-a/rbac", Path: "rules[0].verbs", Reason: reason, Severity: check.High,
				Detail: `Role team-a/rbac grants escalate on roles (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "star resources and groups",
			manifest: clusterRole("all", "rules:\n- {apiGroups: [\"*\"], resources: [\"*\"], verbs: [escalate, get]}\n"),
			want: []finding{{
				Object: "ClusterRole all", Path: "rules[0].verbs", Reason: reason, Severity: check.High,
				Detail: `ClusterRole "all" grants escalate on roles, clusterroles (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "limited to named roles",
			manifest: role("team-a", "rbac", "rules:\n- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], resourceNames: [app], verbs: [escalate]}\n"),
			want: []finding{{
				Object: "Role team-a/rbac", Path: "rules[0].verbs", Reason: reason, Severity: check.High,
				Detail: `Role team-a/rbac grants escalate on roles named "app" only (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "wrong group, wrong resource, other verbs",
			manifest: clusterRole("nope", "rules:\n- {apiGroups: [\"\"], resources: [roles], verbs: [escalate]}\n- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [escalate]}\n- {apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles], verbs: [create, update, patch]}\n"),
		},
		{
			name:     "system roles are not reported",
			manifest: clusterRole("system:controller:clusterrole-aggregation-controller", "rules:\n- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate]}\n"),
		},
	})
}
