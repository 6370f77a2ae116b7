package checks

import "testing"

func TestDefaultServiceAccount(t *testing.T) {
	const reason = "default service account"
	wlRunCases(t, "default-service-account", []wlCase{
		{
			name:     "dedicated service account",
			manifest: wlDeployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "dedicated in the deprecated field",
			manifest: wlDeployment("serviceAccount: ledger\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "serviceAccountName wins over the deprecated field",
			manifest: wlDeployment("serviceAccountName: ledger\nserviceAccount: default\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "unset",
			manifest: wlDeployment("containers: [{name: app, image: app:1}]"),
			want: []wlFinding{{
				Object: "Deployment/app", Path: "spec.template.spec", Reason: reason,
				Detail: `pod spec must set serviceAccountName to a dedicated service account (unset means "default")`,
			}},
		},
		{
			name:     "default",
			manifest: wlDeployment("serviceAccountName: default\ncontainers: [{name: app, image: app:1}]"),
			want: []wlFinding{{
				Object: "Deployment/app", Path: "spec.template.spec.serviceAccountName", Reason: reason,
				Detail: `pod spec must set serviceAccountName to a dedicated service account, not "default"`,
			}},
		},
		{
			name:     "default in the deprecated field",
			manifest: wlPod("serviceAccount: default\ncontainers: [{name: app, image: app:1}]"),
			want: []wlFinding{{
				Object: "Pod/app", Path: "spec.serviceAccount", Reason: reason,
				Detail: `pod spec must set serviceAccountName to a dedicated service account, not serviceAccount="default"`,
			}},
		},
	})
}
