package checks

// exec and attach run commands in, or take over the terminal of, a running
// container: its ServiceAccount token, secrets and host access come with it.
//
// Inspected fields (Role, ClusterRole; aggregated ClusterRoles through the
// rules they aggregate):
//   rules[*].resources, with rules[*].apiGroups, rules[*].verbs
// Allowed values: no rule granting create or get ("create", "get" or "*") on
// pods/exec or pods/attach (core group), whether through "pods/exec",
// "*/exec" or "*". get counts because the websocket upgrade of exec and
// attach is authorized as get. Built-in roles are not reported.

import "github.com/kubestride/kubestride/internal/check"

func init() {
	check.Register(grantCheck(check.Meta{
		ID:          "rbac-pods-exec",
		Title:       "Permission to exec or attach into pods",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "Create or get on pods/exec or pods/attach runs commands inside running containers, with their service account tokens, mounted secrets and any host access they have. get is enough, because the websocket form of exec is authorized as get.",
		Remediation: "Remove create and get on pods/exec and pods/attach from the role, or grant them only to break-glass operators.",
		References:  []string{refRBACPrivesc, refRBAC + "#referring-to-resources"},
	}, rbacGrant{
		verbs:   []string{"create", "get"},
		targets: []rbacResource{{"", "pods", "exec"}, {"", "pods", "attach"}},
	}, "resources", "pod exec permission", 0))
}
