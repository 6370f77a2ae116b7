package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACSecretsRead(t *testing.T) {
	const reason = "secret read permission"
	runRBACCases(t, "rbac-secrets-read", []rbacCase{
		{
			name: "list and watch, bound",
			manifests: roleYAML("payments", "reader", "rules:\n- {apiGroups: [\"\"], resources: [configmaps, secrets], verbs: [list, watch]}\n") +
				roleBindingYAML("payments", "reader", "Role", "reader", "[{kind: ServiceAccount, name: ledger, namespace: payments}]"),
			want: []rbacFinding{{
				Object: "Role payments/reader", Path: "rules[0].verbs", Reason: reason,
				Detail: `Role payments/reader grants list, watch on secrets (rules[0]); bound to ServiceAccount payments/ledger via RoleBinding payments/reader`,
			}},
		},
		{
			name:      "get on every secret, not bound",
			manifests: clusterRoleYAML("getter", "rules:\n- {apiGroups: [\"\"], resources: [secrets], verbs: [get]}\n"),
			want: []rbacFinding{{
				Object: "ClusterRole getter", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "getter" grants get on secrets (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name: "named secrets are medium",
			manifests: roleYAML("payments", "db-client", "rules:\n- {apiGroups: [\"\"], resources: [secrets], resourceNames: [db-credentials, api-key], verbs: [get, watch]}\n") +
				roleBindingYAML("payments", "db-client", "Role", "db-client", "[{kind: ServiceAccount, name: ledger}]"),
			want: []rbacFinding{{
				Object: "Role payments/db-client", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `Role payments/db-client grants get, watch on secrets named "db-credentials", "api-key" only (rules[0]); bound to ServiceAccount payments/ledger via RoleBinding payments/db-client`,
			}},
		},
		{
			name:      "named secrets, not bound, are low",
			manifests: roleYAML("payments", "db-client", "rules:\n- {apiGroups: [\"\"], resources: [secrets], resourceNames: [db-credentials], verbs: [get]}\n"),
			want: []rbacFinding{{
				Object: "Role payments/db-client", Path: "rules[0].verbs", Reason: reason, Severity: check.Low,
				Detail: `Role payments/db-client grants get on secrets named "db-credentials" only (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:      "write only, other resources, other groups",
			manifests: roleYAML("payments", "writer", "rules:\n- {apiGroups: [\"\"], resources: [secrets], verbs: [create, update, patch, delete]}\n- {apiGroups: [\"\"], resources: [configmaps], verbs: [get, list]}\n- {apiGroups: [apps], resources: [secrets], verbs: [get]}\n"),
		},
	})
}
