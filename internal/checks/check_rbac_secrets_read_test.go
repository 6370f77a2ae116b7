package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACSecretsRead(t *testing.T) {
	const reason = "secret read permission"
	runCases(t, "rbac-secrets-read", []checkCase{
		{
			name: "list and watch, bound",
			manifest: role("payments", "reader", "rules:\n- {apiGroups: [\"\"], resources: [configmaps, secrets], verbs: [list, watch]}\n") +
				roleBinding("payments", "reader", "Role", "reader", "[{kind: ServiceAccount, name: ledger, namespace: payments}]"),
			want: []finding{{
				Object: "Role payments/reader", Path: "rules[0].verbs", Reason: reason,
				Detail: `Role payments/reader grants list, watch on secrets (rules[0]); bound to ServiceAccount payments/ledger via RoleBinding payments/reader`,
			}},
		},
		{
			name:     "get on every secret, not bound",
			manifest: clusterRole("getter", "rules:\n- {apiGroups: [\"\"], resources: [secrets], verbs: [get]}\n"),
			want: []finding{{
				Object: "ClusterRole getter", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "getter" grants get on secrets (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name: "named secrets are medium",
			manifest: role("payments", "db-client", "rules:\n- {apiGroups: [\"\"], resources: [secrets], resourceNames: [db-credentials, api-key], verbs: [get, watch]}\n") +
				roleBinding("payments", "db-client", "Role", "db-client", "[{kind: ServiceAccount, name: ledger}]"),
			want: []finding{{
				Object: "Role payments/db-client", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `Role payments/db-client grants get, watch on secrets named "db-credentials", "api-key" only (rules[0]); bound to ServiceAccount payments/ledger via RoleBinding payments/db-client`,
			}},
		},
		{
			name:     "named secrets, not bound, are low",
			manifest: role("payments", "db-client", "rules:\n- {apiGroups: [\"\"], resources: [secrets], resourceNames: [db-credentials], verbs: [get]}\n"),
			want: []finding{{
				Object: "Role payments/db-client", Path: "rules[0].verbs", Reason: reason, Severity: check.Low,
				Detail: `Role payments/db-client grants get on secrets named "db-credentials" only (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "write only, other resources, other groups",
			manifest: role("payments", "writer", "rules:\n- {apiGroups: [\"\"], resources: [secrets], verbs: [create, update, patch, delete]}\n- {apiGroups: [\"\"], resources: [configmaps], verbs: [get, list]}\n- {apiGroups: [apps], resources: [secrets], verbs: [get]}\n"),
		},
	})
}
