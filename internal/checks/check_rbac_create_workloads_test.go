package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACCreateWorkloads(t *testing.T) {
	const reason = "workload creation permission"
	runCases(t, "rbac-create-workloads", []checkCase{
		{
			name: "deployments, bound in the namespace",
			manifest: role("team-a", "deployer", "rules:\n- {apiGroups: [apps], resources: [deployments, deployments/scale], verbs: [get, create, update]}\n") +
				roleBinding("team-a", "deployer", "Role", "deployer", "[{kind: ServiceAccount, name: ci}]"),
			want: []finding{{
				Object: "Role team-a/deployer", Path: "rules[0].verbs", Reason: reason,
				Detail: `Role team-a/deployer grants create on deployments (rules[0]); bound to ServiceAccount team-a/ci via RoleBinding team-a/deployer`,
			}},
		},
		{
			name:     "every workload kind through wildcards",
			manifest: clusterRole("all", "rules:\n- {apiGroups: [\"\", apps, batch], resources: [\"*\"], verbs: [create]}\n"),
			want: []finding{{
				Object: "ClusterRole all", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "all" grants create on pods, deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs, replicationcontrollers (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "kinds in the wrong group",
			manifest: clusterRole("mixed", "rules:\n- {apiGroups: [batch], resources: [pods, deployments, jobs], verbs: [create]}\n"),
			want: []finding{{
				Object: "ClusterRole mixed", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "mixed" grants create on jobs (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "resourceNames never grant create",
			manifest: role("team-a", "named", "rules:\n- {apiGroups: [\"\"], resources: [pods], resourceNames: [web], verbs: [create, get]}\n"),
		},
		{
			name:     "update, podtemplates, subresources",
			manifest: role("team-a", "other", "rules:\n- {apiGroups: [apps], resources: [deployments], verbs: [update, patch]}\n- {apiGroups: [\"\"], resources: [podtemplates, pods/eviction, pods/exec], verbs: [create]}\n"),
		},
	})
}
