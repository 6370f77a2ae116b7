package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACImpersonate(t *testing.T) {
	const reason = "impersonation permission"
	runCases(t, "rbac-impersonate", []checkCase{
		{
			name: "users and groups, bound",
			manifest: clusterRole("support", "rules:\n- {apiGroups: [\"\"], resources: [users, groups], verbs: [impersonate]}\n") +
				clusterRoleBinding("support", "ClusterRole", "support", "[{kind: Group, name: support}]"),
			want: []finding{{
				Object: "ClusterRole support", Path: "rules[0].verbs", Reason: reason,
				Detail: `ClusterRole "support" grants impersonate on users, groups (rules[0]); bound to Group "support" via ClusterRoleBinding "support"`,
			}},
		},
		{
			name:     "every identity through wildcards",
			manifest: clusterRole("all", "rules:\n- {apiGroups: [\"*\"], resources: [\"*\"], verbs: [impersonate]}\n"),
			want: []finding{{
				Object: "ClusterRole all", Path: "rules[0].verbs", Reason: reason, Severity: check.High,
				Detail: `ClusterRole "all" grants impersonate on users, groups, serviceaccounts, uids, userextras (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "uids and user extras",
			manifest: clusterRole("extras", "rules:\n- {apiGroups: [authentication.k8s.io], resources: [uids, \"userextras/scopes\", \"*/reason\"], verbs: [impersonate]}\n"),
			want: []finding{{
				Object: "ClusterRole extras", Path: "rules[0].verbs", Reason: reason, Severity: check.High,
				Detail: `ClusterRole "extras" grants impersonate on uids, userextras/scopes, userextras/reason (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "named service accounts",
			manifest: role("team-a", "act-as", "rules:\n- {apiGroups: [\"\"], resources: [serviceaccounts], resourceNames: [deployer], verbs: [impersonate]}\n"),
			want: []finding{{
				Object: "Role team-a/act-as", Path: "rules[0].verbs", Reason: reason, Severity: check.High,
				Detail: `Role team-a/act-as grants impersonate on serviceaccounts named "deployer" only (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "wrong groups and verbs",
			manifest: clusterRole("nope", "rules:\n- {apiGroups: [authentication.k8s.io], resources: [users, groups], verbs: [impersonate]}\n- {apiGroups: [\"\"], resources: [userextras/scopes, uids], verbs: [impersonate]}\n- {apiGroups: [\"\"], resources: [serviceaccounts], verbs: [get, list]}\n"),
		},
	})
}
