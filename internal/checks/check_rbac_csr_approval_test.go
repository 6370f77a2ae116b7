package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestRBACCSRApproval(t *testing.T) {
	const reason = "certificate approval permission"
	approval := "- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}\n"
	signers := "- {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [kubernetes.io/kube-apiserver-client], verbs: [approve]}\n"
	runCases(t, "rbac-csr-approval", []checkCase{
		{
			name: "approval and approve in two rules, bound",
			manifest: clusterRole("csr-approver", "rules:\n"+approval+signers) +
				clusterRoleBinding("csr-approver", "ClusterRole", "csr-approver", "[{kind: ServiceAccount, name: approver, namespace: kube-system}]"),
			want: []finding{{
				Object: "ClusterRole csr-approver", Path: "rules[0].resources", Reason: reason,
				Detail: `ClusterRole "csr-approver" grants update on certificatesigningrequests/approval (rules[0]) and approve on signers named "kubernetes.io/kube-apiserver-client" only (rules[1]); bound to ServiceAccount kube-system/approver via ClusterRoleBinding "csr-approver"`,
			}},
		},
		{
			name:     "approve rule before the approval rule, not bound",
			manifest: clusterRole("csr-approver", "rules:\n"+signers+approval),
			want: []finding{{
				Object: "ClusterRole csr-approver", Path: "rules[1].resources", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "csr-approver" grants update on certificatesigningrequests/approval (rules[1]) and approve on signers named "kubernetes.io/kube-apiserver-client" only (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name:     "one rule grants both",
			manifest: clusterRole("certs", "rules:\n- {apiGroups: [certificates.k8s.io], resources: [\"*\"], verbs: [\"*\"]}\n"),
			want: []finding{{
				Object: "ClusterRole certs", Path: "rules[0].resources", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "certs" grants update, patch on certificatesigningrequests/approval and approve on signers (rules[0]); not bound in the scanned manifests`,
			}},
		},
		{
			name: "approval alone is medium",
			manifest: clusterRole("csr-status", "rules:\n- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [patch]}\n") +
				clusterRoleBinding("csr-status", "ClusterRole", "csr-status", "[{kind: User, name: hal}]"),
			want: []finding{{
				Object: "ClusterRole csr-status", Path: "rules[0].resources", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRole "csr-status" grants patch on certificatesigningrequests/approval (rules[0]) but no approve on signers; bound to User "hal" via ClusterRoleBinding "csr-status"`,
			}},
		},
		{
			name:     "approval alone, not bound, is low",
			manifest: clusterRole("csr-status", "rules:\n- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}\n"),
			want: []finding{{
				Object: "ClusterRole csr-status", Path: "rules[0].resources", Reason: reason, Severity: check.Low,
				Detail: `ClusterRole "csr-status" grants update on certificatesigningrequests/approval (rules[0]) but no approve on signers; not bound in the scanned manifests`,
			}},
		},
		{
			name:     "approve without approval, requests, status",
			manifest: clusterRole("csr", "rules:\n"+signers+"- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests, certificatesigningrequests/status], verbs: [create, update]}\n- {apiGroups: [\"\"], resources: [certificatesigningrequests/approval], verbs: [update]}\n"),
		},
	})
}
