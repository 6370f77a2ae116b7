package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACNodesProxy(t *testing.T) {
	const reason = "node proxy permission"
	runCases(t, "rbac-nodes-proxy", []checkCase{
		{
			name: "get on nodes/proxy, bound",
			manifest: clusterRole("node-debugger", "rules:\n- {apiGroups: [\"\"], resources: [nodes, nodes/proxy], verbs: [get, list]}\n") +
				clusterRoleBinding("node-debugger", "ClusterRole", "node-debugger", "[{kind: ServiceAccount, name: agent, namespace: monitoring}]"),
			want: []finding{{
				Object: "ClusterRole node-debugger", Path: "rules[0].resources", Reason: reason,
				Detail: `ClusterRole "node-debugger" grants get on nodes/proxy (rules[0]); bound to ServiceAccount monitoring/agent via ClusterRoleBinding "node-debugger"`,
			}},
		},
		{
			name:     "every verb on every proxy subresource",
			manifest: clusterRole("proxier", "rules:\n- {apiGroups: [\"\"], resources: [\"*/proxy\"], verbs: [\"*\"]}\n"),
			want: []finding{{
				Object: "ClusterRole proxier", Path: "rules[0].resources", Reason: reason, Severity: check.High,
				Detail: `ClusterRole "proxier" grants get, create on nodes/proxy (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "metrics, stats, other verbs",
			manifest: clusterRole("metrics", "rules:\n- {apiGroups: [\"\"], resources: [nodes/metrics, nodes/stats, services/proxy], verbs: [get]}\n- {apiGroups: [\"\"], resources: [nodes/proxy], verbs: [list, watch]}\n"),
		},
	})
}
