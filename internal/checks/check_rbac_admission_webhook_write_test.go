package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACAdmissionWebhookWrite(t *testing.T) {
	const reason = "admission control write permission"
	runCases(t, "rbac-admission-webhook-write", []checkCase{
		{
			name: "patch webhook configurations, bound",
			manifest: clusterRole("cert-injector", "rules:\n- {apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations, mutatingwebhookconfigurations], verbs: [get, list, watch, update, patch]}\n") +
				clusterRoleBinding("cert-injector", "ClusterRole", "cert-injector", "[{kind: ServiceAccount, name: cainjector, namespace: cert-manager}]"),
			want: []finding{{
				Object: "ClusterRole cert-injector", Path: "rules[0].verbs", Reason: reason,
				Detail: `ClusterRole "cert-injector" grants update, patch on validatingwebhookconfigurations, mutatingwebhookconfigurations (rules[0]); bound to ServiceAccount cert-manager/cainjector via ClusterRoleBinding "cert-injector"`,
			}},
		},
		{
			name:     "everything in the group",
			manifest: clusterRole("admission-admin", "rules:\n- {apiGroups: [admissionregistration.k8s.io], resources: [\"*\"], verbs: [\"*\"]}\n"),
			want: []finding{{
				Object: "ClusterRole admission-admin", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "admission-admin" grants create, update, patch, delete, deletecollection on validatingwebhookconfigurations, mutatingwebhookconfigurations, validatingadmissionpolicies, validatingadmissionpolicybindings, mutatingadmissionpolicies, mutatingadmissionpolicybindings (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "named configuration: create and deletecollection never match names",
			manifest: clusterRole("own-webhook", "rules:\n- {apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], resourceNames: [my-webhook], verbs: [create, update, deletecollection]}\n"),
			want: []finding{{
				Object: "ClusterRole own-webhook", Path: "rules[0].verbs", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "own-webhook" grants update on mutatingwebhookconfigurations named "my-webhook" only (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "read only, wrong group",
			manifest: clusterRole("reader", "rules:\n- {apiGroups: [admissionregistration.k8s.io], resources: [\"*\"], verbs: [get, list, watch]}\n- {apiGroups: [\"\"], resources: [validatingwebhookconfigurations], verbs: [create]}\n"),
		},
	})
}
