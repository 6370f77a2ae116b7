package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

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
	const projected = "pod spec must mount a projected serviceAccountToken volume with an audience and a short expirationSeconds in place of the automounted token"
	ledger := deployment("serviceAccountName: ledger\ncontainers: [{name: app, image: app:1}]")
	runCases(t, "service-account-token-automount", []checkCase{
		{
			name:     "bound by a RoleBinding of its namespace",
			manifest: ledger + "---\n" + roleBinding("shop", "ledger", "Role", "ledger", "[{kind: ServiceAccount, name: ledger}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath, Reason: reason, Severity: check.Low,
				Detail: projected + ` (service account "ledger" holds RBAC bindings, so the workload calls the API)`,
			}},
		},
		{
			name: "bound by a ClusterRoleBinding and a RoleBinding elsewhere",
			manifest: ledger + "---\n" +
				roleBinding("billing", "read", "ClusterRole", "view", "[{kind: ServiceAccount, name: ledger, namespace: shop}]") +
				clusterRoleBinding("ledger", "ClusterRole", "ledger", "[{kind: ServiceAccount, name: ledger, namespace: shop}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath, Reason: reason, Severity: check.Low,
				Detail: projected + ` (service account "ledger" holds RBAC bindings, so the workload calls the API)`,
			}},
		},
		{
			name:     "bound through the group of its namespace's service accounts",
			manifest: ledger + "---\n" + roleBinding("shop", "all-sa", "ClusterRole", "view", "[{kind: Group, name: \"system:serviceaccounts:shop\"}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath, Reason: reason, Severity: check.Low,
				Detail: projected + ` (service account "ledger" holds RBAC bindings, so the workload calls the API)`,
			}},
		},
		{
			// A binding to every service account of the cluster (as the
			// bootstrap discovery bindings are) says nothing of this one.
			name:     "bound only through the group of every service account",
			manifest: ledger + "---\n" + clusterRoleBinding("all-sa", "ClusterRole", "view", "[{kind: Group, name: \"system:serviceaccounts\"}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath, Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "ledger" mounts its token)`,
			}},
		},
		{
			name:     "pod spec true, bound",
			manifest: deployment("serviceAccountName: ledger\nautomountServiceAccountToken: true\ncontainers: [{name: app, image: app:1}]") + "---\n" + roleBinding("shop", "ledger", "Role", "ledger", "[{kind: ServiceAccount, name: ledger}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath + ".automountServiceAccountToken", Reason: reason, Severity: check.Low,
				Detail: projected + ` (service account "ledger" holds RBAC bindings, so the workload calls the API)`,
			}},
		},
		{
			name:     "bound, service account false",
			manifest: ledger + sa("shop", "ledger", "false") + "---\n" + roleBinding("shop", "ledger", "Role", "ledger", "[{kind: ServiceAccount, name: ledger}]"),
		},
		{
			name: "bindings that do not name it",
			manifest: ledger + "---\n" +
				roleBinding("billing", "ledger", "Role", "ledger", "[{kind: ServiceAccount, name: ledger}]") +
				clusterRoleBinding("no-namespace", "ClusterRole", "view", "[{kind: ServiceAccount, name: ledger}]") +
				clusterRoleBinding("everyone", "ClusterRole", "view", "[{kind: Group, name: \"system:authenticated\"}]") +
				roleBinding("shop", "other-ns-group", "ClusterRole", "view", "[{kind: Group, name: \"system:serviceaccounts:billing\"}]") +
				roleBinding("shop", "user", "ClusterRole", "view", "[{kind: User, name: ledger}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: specPath, Reason: reason,
				Detail: `pod spec must set automountServiceAccountToken=false (service account "ledger" mounts its token)`,
			}},
		},
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
