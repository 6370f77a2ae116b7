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
	runCases(t, "service-account-token-automount", []checkCase{
		{
			name:     "pod spec false",
			manifest: deployment("automountServiceAccountToken: false\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "pod spec true",
			manifest: deployment("automountServiceAccountToken: true\ncontainers: [{name: app, image: app:1}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath + ".automountServiceAccountToken", Reason: reason,
				Detail: "pod spec must set automountServiceAccountToken=false, not true",
			}},
		},
		{
			name: "pod spec true wins over service account false",
			manifest: deployment("serviceAccountName: ledger\nautomountServiceAccountToken: true\ncontainers: [{name: app, image: app:1}]") +
				sa("shop", "ledger", "false"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath + ".automountServiceAccountToken", Reason: reason,
				Detail: "pod spec must set automountServiceAccountToken=false, not true",
			}},
		},
		{
			name:     "unset, service account not in the scan",
			manifest: deployment("containers: [{name: app, image: app:1}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath, Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "default" mounts its token)`,
			}},
		},
		{
			name:     "unset, service account false",
			manifest: deployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]") + sa("shop", "ledger", "false"),
		},
		{
			name:     "unset, default service account false",
			manifest: deployment("containers: [{name: app, image: app:1}]") + sa("shop", "default", "false"),
		},
		{
			name:     "unset, service account unset",
			manifest: deployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]") + sa("shop", "ledger", ""),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath, Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "ledger" mounts its token)`,
			}},
		},
		{
			name:     "unset, service account true",
			manifest: deployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]") + sa("shop", "ledger", "true"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath, Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "ledger" mounts its token)`,
			}},
		},
		{
			name:     "service account false in another namespace",
			manifest: deployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]") + sa("billing", "ledger", "false"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath, Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "ledger" mounts its token)`,
			}},
		},
		{
			name:     "deprecated serviceAccount field",
			manifest: deployment("serviceAccount: ledger\ncontainers: [{name: app, image: app:1}]") + sa("shop", "ledger", "false"),
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
			want: []finding{{
				Object: "CronJob shop/nightly", Path: "spec.jobTemplate.spec.template.spec", Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "default" mounts its token)`,
			}},
		},
		{
			name:     "pod",
			manifest: pod("automountServiceAccountToken: true\ncontainers: [{name: app, image: app:1}]"),
			want: []finding{{
				Object: "Pod shop/app", Path: "spec.automountServiceAccountToken", Reason: reason,
				Detail: "pod spec must set automountServiceAccountToken=false, not true",
			}},
		},
	})
}
