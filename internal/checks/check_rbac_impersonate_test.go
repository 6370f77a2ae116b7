package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACImpersonate(t *testing.T) {
	const reason = "impersonation permission"
	runRBACCases(t, "rbac-impersonate", []rbacCase{
		{
			name: "users and groups, bound",
			manifests: clusterRoleYAML("support", "rules:\n- {apiGroups: [\"\"], resources: [users, groups], verbs: [impersonate]}\n") +
				clusterRoleBindingYAML("support", "ClusterRole", "support", "[{kind: Group, name: support}]"),
			want: []rbacFinding{{
				Object: "ClusterRole support", Path: "rules[0].verbs", Reason: reason,
				Detail: `ClusterRole "support" grants impersonate on users, groups (rules[0]); bound to Group "support" via ClusterRoleBinding "support"`,
			}},
		},
		{
			name:      "every identity through wildcards",
			manifests: clusterRoleYAML("all", "rules:\n- {apiGroups: [\"*\"], resources: [\"*\"], verbs: [impersonate]}\n"),
			want: []rbacFinding{{
				Object: "ClusterRole all", Path: "rules[0].verbs", Reason: reason, Severity: check.High,
				Detail: `ClusterRole "all" grants impersonate on users, groups, serviceaccounts, uids, userextras (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:      "uids and user extras",
			manifests: clusterRoleYAML("extras", "rules:\n- {apiGroups: [authentication.k8s.io], resources: [uids, \"userextras/scopes\", \"*/reason\"], verbs: [impersonate]}\n"),
			want: []rbacFinding{{
				Object: "ClusterRole extras", Path: "rules[0].verbs", Reason: reason, Severity: check.High,
				Detail: `ClusterRole "extras" grants impersonate on uids, userextras/scopes, userextras/reason (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:      "named service accounts",
			manifests: roleYAML("team-a", "act-as", "rules:\n- {apiGroups: [\"\"], resources: [serviceaccounts], resourceNames: [deployer], verbs: [impersonate]}\n"),
			want: []rbacFinding{{
				Object: "Role team-a/act-as", Path: "rules[0].verbs", Reason: reason, Severity: check.High,
				Detail: `Role team-a/act-as grants impersonate on serviceaccounts named "deployer" only (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:      "wrong groups and verbs",
			manifests: clusterRoleYAML("nope", "rules:\n- {apiGroups: [authentication.k8s.io], resources: [users, groups], verbs: [impersonate]}\n- {apiGroups: [\"\"], resources: [userextras/scopes, uids], verbs: [impersonate]}\n- {apiGroups: [\"\"], resources: [serviceaccounts], verbs: [get, list]}\n"),
		},
	})
}
