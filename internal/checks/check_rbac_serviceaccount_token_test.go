package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACServiceAccountToken(t *testing.T) {
	const reason = "service account token creation permission"
	runCases(t, "rbac-serviceaccount-token", []checkCase{
		{
			name: "create tokens, bound",
			manifest: clusterRole("token-minter", "rules:\n- {apiGroups: [\"\"], resources: [serviceaccounts, serviceaccounts/token], verbs: [get, create]}\n") +
				clusterRoleBinding("token-minter", "ClusterRole", "token-minter", "[{kind: User, name: frank}]"),
			want: []finding{{
				Object: "ClusterRole token-minter", Path: "rules[0].resources", Reason: reason,
				Detail: `ClusterRole "token-minter" grants create on serviceaccounts/token (rules[0]); bound to User "frank" via ClusterRoleBinding "token-minter"`,
			}},
		},
		{
			name:     "named service account",
			manifest: role("team-a", "ci-token", "rules:\n- {apiGroups: [\"\"], resources: [serviceaccounts/token], resourceNames: [ci], verbs: [create]}\n"),
			want: []finding{{
				Object: "Role team-a/ci-token", Path: "rules[0].resources", Reason: reason, Severity: check.Medium,
				Detail: `Role team-a/ci-token grants create on serviceaccounts/token named "ci" only (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "through */token",
			manifest: role("team-a", "tokens", "rules:\n- {apiGroups: [\"\"], resources: [\"*/token\"], verbs: [create]}\n"),
			want: []finding{{
				Object: "Role team-a/tokens", Path: "rules[0].resources", Reason: reason, Severity: check.Medium,
				Detail: `Role team-a/tokens grants create on serviceaccounts/token (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "service accounts themselves",
			manifest: role("team-a", "sa", "rules:\n- {apiGroups: [\"\"], resources: [serviceaccounts], verbs: [create, update]}\n- {apiGroups: [\"\"], resources: [serviceaccounts/token], verbs: [get]}\n"),
		},
	})
}
