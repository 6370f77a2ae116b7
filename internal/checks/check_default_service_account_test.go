package checks

import "testing"

func TestDefaultServiceAccount(t *testing.T) {
	const reason = "default service account"
	runCases(t, "default-service-account", []checkCase{
		{
			name:     "dedicated service account",
			manifest: deployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "dedicated in the deprecated field",
			manifest: deployment("serviceAccount: ledger\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "serviceAccountName wins over the deprecated field",
			manifest: deployment("serviceAccountName: ledger\nserviceAccount: default\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "unset",
			manifest: deployment("containers: [{name: app, image: app:1}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: "spec.template.spec", Reason: reason,
				Detail: `pod spec must set serviceAccountName to a dedicated service account (unset means "default")`,
			}},
		},
		{
			name:     "default",
			manifest: deployment("serviceAccountName: default\ncontainers: [{name: app, image: app:1}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: "spec.template.spec.serviceAccountName", Reason: reason,
				Detail: `pod spec must set serviceAccountName to a dedicated service account, not "default"`,
			}},
		},
		{
			name:     "default in the deprecated field",
			manifest: pod("serviceAccount: default\ncontainers: [{name: app, image: app:1}]"),
			want: []finding{{
				Object: "Pod shop/app", Path: "spec.serviceAccount", Reason: reason,
				Detail: `pod spec must set serviceAccountName to a dedicated service account, not serviceAccount="default"`,
			}},
		},
	})
}
