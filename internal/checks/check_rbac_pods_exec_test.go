package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACPodsExec(t *testing.T) {
	const reason = "pod exec permission"
	runCases(t, "rbac-pods-exec", []checkCase{
		{
			name: "get on exec, bound",
			manifest: role("team-a", "debugger", "rules:\n- {apiGroups: [\"\"], resources: [pods, pods/log], verbs: [get]}\n- {apiGroups: [\"\"], resources: [pods/exec], verbs: [get]}\n") +
				roleBinding("team-a", "debugger", "Role", "debugger", "[{kind: User, name: erin}]"),
			want: []finding{{
				Object: "Role team-a/debugger", Path: "rules[1].resources", Reason: reason,
				Detail: `Role team-a/debugger grants get on pods/exec (rules[1]); bound to User "erin" via RoleBinding team-a/debugger`,
			}},
		},
		{
			name:     "exec and attach through wildcards",
			manifest: clusterRole("all", "rules:\n- {apiGroups: [\"\"], resources: [\"*/exec\", \"*/attach\"], verbs: [create, get, list]}\n- {apiGroups: [\"*\"], resources: [\"*\"], verbs: [create]}\n"),
			want: []finding{
				{
					Object: "ClusterRole all", Path: "rules[0].resources", Reason: reason, Severity: check.Medium,
					Detail: `ClusterRole "all" grants create, get on pods/exec, pods/attach (rules[0]); not bound in the scanned manifests`,
				},
				{
					Object: "ClusterRole all", Path: "rules[1].resources", Reason: reason, Severity: check.Medium,
					Detail: `ClusterRole "all" grants create on pods/exec, pods/attach (rules[1]); not bound in the scanned manifests`,
				},
			},
		},
		{
			name:     "named pods",
			manifest: role("team-a", "one", "rules:\n- {apiGroups: [\"\"], resources: [pods/attach], resourceNames: [toolbox], verbs: [create]}\n"),
			want: []finding{{
				Object: "Role team-a/one", Path: "rules[0].resources", Reason: reason, Severity: check.Medium,
				Detail: `Role team-a/one grants create on pods/attach named "toolbox" only (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "pods, pods/*, other verbs and groups",
			manifest: role("team-a", "nope", "rules:\n- {apiGroups: [\"\"], resources: [pods, \"pods/*\", pods/portforward], verbs: [create, get]}\n- {apiGroups: [\"\"], resources: [pods/exec], verbs: [list, watch, delete]}\n- {apiGroups: [apps], resources: [pods/exec], verbs: [create]}\n"),
		},
	})
}
