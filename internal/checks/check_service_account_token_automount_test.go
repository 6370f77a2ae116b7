package checks

import "testing"

func TestServiceAccountTokenAutomount(t *testing.T) {
	const (
		reason   = "automounted service account tokens"
		specPath = "spec.template.spec"
	)
	sa := func(ns, name, automount string) string {
		s := "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n"
		if automount != "" {
			s += "automountServiceAccountToken: " + automount + "\n"
		}
		return s
	}
	wlRunCases(t, "service-account-token-automount", []wlCase{
		{
			name:     "pod spec false",
			manifest: wlDeployment("automountServiceAccountToken: false\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "pod spec true",
			manifest: wlDeployment("automountServiceAccountToken: true\ncontainers: [{name: app, image: app:1}]"),
			want: []wlFinding{{
				Object: "Deployment/app", Path: specPath + ".automountServiceAccountToken", Reason: reason,
				Detail: "pod spec must set automountServiceAccountToken=false, not true",
			}},
		},
		{
			name: "pod spec true wins over service account false",
			manifest: wlDeployment("serviceAccountName: ledger\nautomountServiceAccountToken: true\ncontainers: [{name: app, image: app:1}]") +
				sa("shop", "ledger", "false"),
			want: []wlFinding{{
				Object: "Deployment/app", Path: specPath + ".automountServiceAccountToken", Reason: reason,
				Detail: "pod spec must set automountServiceAccountToken=false, not true",
			}},
		},
		{
			name:     "unset, service account not in the scan",
			manifest: wlDeployment("containers: [{name: app, image: app:1}]"),
			want: []wlFinding{{
				Object: "Deployment/app", Path: specPath, Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "default" mounts its token)`,
			}},
		},
		{
			name:     "unset, service account false",
			manifest: wlDeployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]") + sa("shop", "ledger", "false"),
		},
		{
			name:     "unset, default service account false",
			manifest: wlDeployment("containers: [{name: app, image: app:1}]") + sa("shop", "default", "false"),
		},
		{
			name:     "unset, service account unset",
			manifest: wlDeployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]") + sa("shop", "ledger", ""),
			want: []wlFinding{{
				Object: "Deployment/app", Path: specPath, Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "ledger" mounts its token)`,
			}},
		},
		{
			name:     "unset, service account true",
			manifest: wlDeployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]") + sa("shop", "ledger", "true"),
			want: []wlFinding{{
				Object: "Deployment/app", Path: specPath, Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "ledger" mounts its token)`,
			}},
		},
		{
			name:     "service account false in another namespace",
			manifest: wlDeployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]") + sa("billing", "ledger", "false"),
			want: []wlFinding{{
				Object: "Deployment/app", Path: specPath, Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "ledger" mounts its token)`,
			}},
		},
		{
			name:     "deprecated serviceAccount field",
			manifest: wlDeployment("serviceAccount: ledger\ncontainers: [{name: app, image: app:1}]") + sa("shop", "ledger", "false"),
		},
		{
			name: "cronjob",
			manifest: `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: job:1}]
`,
			want: []wlFinding{{
				Object: "CronJob/nightly", Path: "spec.jobTemplate.spec.template.spec", Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "default" mounts its token)`,
			}},
		},
		{
			name:     "pod",
			manifest: wlPod("automountServiceAccountToken: true\ncontainers: [{name: app, image: app:1}]"),
			want: []wlFinding{{
				Object: "Pod/app", Path: "spec.automountServiceAccountToken", Reason: reason,
				Detail: "pod spec must set automountServiceAccountToken=false, not true",
			}},
		},
	})
}
