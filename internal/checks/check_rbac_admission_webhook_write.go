package checks

// Admission webhooks and admission policies see and may rewrite or reject
// every object written to the API server. Whoever can change them can mutate
// workloads cluster-wide, or disable the policies that guard them.
//
// Category Tampering. Inspected fields (Role, ClusterRole; aggregated
// ClusterRoles through the rules they aggregate):
//   rules[*].verbs, with rules[*].apiGroups, rules[*].resources
// Allowed values: no rule granting create, update, patch, delete or
// deletecollection (or "*") on validatingwebhookconfigurations,
// mutatingwebhookconfigurations, validatingadmissionpolicies,
// validatingadmissionpolicybindings, mutatingadmissionpolicies or
// mutatingadmissionpolicybindings of admissionregistration.k8s.io. Built-in
// roles are not reported.

import "github.com/kubestride/kubestride/internal/check"

func init() {
	check.Register(grantCheck(check.Meta{
		ID:          "rbac-admission-webhook-write",
		Title:       "Permission to change admission control",
		Category:    check.Tampering,
		Severity:    check.High,
		Description: "Admission webhooks and policies inspect, and may rewrite or reject, every object written to the API server. Whoever can create, change or delete them can tamper with any workload or switch off the policies that protect the cluster.",
		Remediation: "Grant write access to admission webhook configurations and admission policies only to the identity that installs admission controllers.",
		References:  []string{refRBACGood + "#control-admission-webhooks", refAdmissionWebhooks},
	}, rbacGrant{
		verbs: []string{"create", "update", "patch", "delete", "deletecollection"},
		targets: []rbacResource{
			{groupAdmission, "validatingwebhookconfigurations", ""},
			{groupAdmission, "mutatingwebhookconfigurations", ""},
			{groupAdmission, "validatingadmissionpolicies", ""},
			{groupAdmission, "validatingadmissionpolicybindings", ""},
			{groupAdmission, "mutatingadmissionpolicies", ""},
			{groupAdmission, "mutatingadmissionpolicybindings", ""},
		},
	}, "verbs", "admission control write permission", 0))
}
