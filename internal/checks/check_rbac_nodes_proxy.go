package checks

// nodes/proxy reaches the kubelet API through the API server: running
// commands in any pod of the node (exec, run) without an audit record of the
// pod exec, and reading the node's logs and metrics.
//
// Inspected fields (Role, ClusterRole; aggregated ClusterRoles through the
// rules they aggregate):
//   rules[*].resources, with rules[*].apiGroups, rules[*].verbs
// Allowed values: no rule granting get or create ("get", "create" or "*") on
// nodes/proxy (core group), whether through "nodes/proxy", "*/proxy" or "*".
// Built-in roles are not reported.

import "github.com/kubestride/kubestride/internal/check"

func init() {
	check.Register(grantCheck(check.Meta{
		ID:          "rbac-nodes-proxy",
		Title:       "Permission to proxy to the kubelet",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Critical,
		Description: "get or create on nodes/proxy gives direct access to the kubelet API, which runs commands in any container on the node and bypasses the audit and admission of pod exec. It is equivalent to control of every workload on the node.",
		Remediation: "Remove get and create on nodes/proxy from the role; give monitoring the nodes/metrics or nodes/stats subresources instead.",
		References:  []string{refRBACGood + "#access-to-proxy-subresource-of-nodes", refKubeletAuthz},
	}, rbacGrant{
		verbs:   []string{"get", "create"},
		targets: []rbacResource{{"", "nodes", "proxy"}},
	}, "resources", "node proxy permission", 0))
}
