package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

const (
	rbacTargets    = "roles.rbac.authorization.k8s.io, rolebindings.rbac.authorization.k8s.io, clusterroles.rbac.authorization.k8s.io, clusterrolebindings.rbac.authorization.k8s.io"
	webhookTargets = "mutatingwebhookconfigurations.admissionregistration.k8s.io, validatingwebhookconfigurations.admissionregistration.k8s.io, validatingadmissionpolicies.admissionregistration.k8s.io, validatingadmissionpolicybindings.admissionregistration.k8s.io"
)

// policy returns an audit Policy with the given top-level fields.
func policy(body string) string {
	return "apiVersion: audit.k8s.io/v1\nkind: Policy\n" + body
}

func TestAuditPolicyLogsSecrets(t *testing.T) {
	const reason = "secret values in the audit log"
	runCases(t, "audit-policy-logs-secrets", []checkCase{{
		name:     "the documentation's example logs configmap bodies in kube-system",
		manifest: docsAuditPolicy,
		lines:    true,
		want: []finding{{
			Object: "Policy ", Path: "rules[5].level", Reason: reason, Line: 43,
			Detail: "rules[5] must not log configmaps above Metadata, not at Request: their content goes to the audit log",
		}},
	}, {
		name:     "every write at RequestResponse",
		manifest: weakAuditPolicy,
		lines:    true,
		want: []finding{{
			Object: "Policy ", Path: "rules[1].level", Reason: reason, Line: 8,
			Detail: "rules[1] must not log secrets, configmaps, tokenreviews.authentication.k8s.io above Metadata, not at RequestResponse: their content goes to the audit log",
		}},
	}, {
		name:     "a rule that matches everything",
		manifest: policy("rules:\n  - level: Request\n"),
		want: []finding{{
			Object: "Policy ", Path: "rules[0].level", Reason: reason,
			Detail: "rules[0] must not log secrets, configmaps, tokenreviews.authentication.k8s.io above Metadata, not at Request: their content goes to the audit log",
		}},
	}, {
		name:     "only for one service account's group",
		manifest: policy("rules:\n  - level: Metadata\n    resources: [{group: '', resources: [configmaps]}]\n  - level: RequestResponse\n    userGroups: ['system:serviceaccounts:ci']\n"),
		want: []finding{{
			Object: "Policy ", Path: "rules[1].level", Reason: reason,
			Detail: "rules[1] must not log secrets, tokenreviews.authentication.k8s.io above Metadata, not at RequestResponse: their content goes to the audit log",
		}},
	}})
}

func TestAuditPolicyUnrecorded(t *testing.T) {
	const reason = "sensitive requests not recorded"
	runCases(t, "audit-policy-unrecorded", []checkCase{{
		name:     "the documentation's example records them all",
		manifest: docsAuditPolicy,
	}, {
		name:     "RBAC at None, the rest matched by no rule",
		manifest: weakAuditPolicy,
		lines:    true,
		want: []finding{{
			Object: "Policy ", Path: "rules", Reason: reason, Line: 3,
			Detail: "rules must record secrets, pods/attach, pods/portforward, " + webhookTargets + " at Metadata at least: no rule matches some of their requests, which go unrecorded",
		}, {
			Object: "Policy ", Path: "rules[0].level", Reason: reason, Line: 5,
			Detail: "rules[0] must not set level None for " + rbacTargets + ": their requests go unrecorded",
		}},
	}, {
		name:     "a None rule for one user's reads of secrets",
		manifest: policy("rules:\n  - level: None\n    users: [backup-operator]\n    verbs: [get, list]\n    resources: [{group: '', resources: [secrets]}]\n  - level: Metadata\n"),
		want: []finding{{
			Object: "Policy ", Path: "rules[0].level", Reason: reason,
			Detail: "rules[0] must not set level None for secrets: their requests go unrecorded",
		}},
	}, {
		name:     "a None rule for a namespace",
		manifest: policy("rules:\n  - level: None\n    namespaces: [kube-system]\n  - level: Metadata\n"),
		want: []finding{{
			Object: "Policy ", Path: "rules[0].level", Reason: reason,
			Detail: "rules[0] must not set level None for secrets, pods/exec, pods/attach, pods/portforward, roles.rbac.authorization.k8s.io, rolebindings.rbac.authorization.k8s.io: their requests go unrecorded",
		}},
	}})
}

func TestAuditPolicyRBACChanges(t *testing.T) {
	const reason = "RBAC changes not recorded in full"
	runCases(t, "audit-policy-rbac-changes", []checkCase{{
		name:     "the documentation's example records them at Metadata",
		manifest: docsAuditPolicy,
		lines:    true,
		want: []finding{{
			Object: "Policy ", Path: "rules[8].level", Reason: reason, Line: 64,
			Detail: "rules[8] must log changes to " + rbacTargets + " at RequestResponse, not Metadata: what they grant is not recorded",
		}},
	}, {
		name:     "at None: the unrecorded check's",
		manifest: weakAuditPolicy,
	}, {
		name:     "bindings at Request",
		manifest: policy("rules:\n  - level: Request\n    resources: [{group: rbac.authorization.k8s.io, resources: [rolebindings, clusterrolebindings]}]\n  - level: RequestResponse\n"),
		want: []finding{{
			Object: "Policy ", Path: "rules[0].level", Reason: reason,
			Detail: "rules[0] must log changes to rolebindings.rbac.authorization.k8s.io, clusterrolebindings.rbac.authorization.k8s.io at RequestResponse, not Request: what they grant is not recorded",
		}},
	}})
}

func TestAuditPolicyCatchAll(t *testing.T) {
	const reason = "no catch-all audit rule"
	runCases(t, "audit-policy-catch-all", []checkCase{{
		name:     "the documentation's example ends with one",
		manifest: docsAuditPolicy,
	}, {
		name:     "none",
		manifest: weakAuditPolicy,
		lines:    true,
		want: []finding{{
			Object: "Policy ", Path: "rules", Reason: reason, Line: 3,
			Detail: "rules must end with a rule that matches every request (no users, userGroups, verbs, resources, namespaces or nonResourceURLs): requests no rule names go unrecorded",
		}},
	}, {
		name:     "no rules at all",
		manifest: policy("omitStages: [RequestReceived]\n"),
		want: []finding{{
			Object: "Policy ", Path: "rules", Reason: reason,
			Detail: "rules must end with a rule that matches every request (no users, userGroups, verbs, resources, namespaces or nonResourceURLs): requests no rule names go unrecorded",
		}},
	}, {
		name:     "at None, before other rules",
		manifest: policy("rules:\n  - level: Metadata\n    resources: [{group: '', resources: [secrets]}]\n  - level: None\n  - level: Metadata\n  - level: RequestResponse\n    verbs: [create]\n"),
		lines:    true,
		want: []finding{{
			Object: "Policy ", Path: "rules[1].level", Reason: reason, Line: 6,
			Detail: "rules[1] matches every request and must record it at Metadata at least, not None: requests no earlier rule names go unrecorded",
		}, {
			Object: "Policy ", Path: "rules[2]", Reason: "unreachable audit rules", Severity: check.Low, Line: 7,
			Detail: "rules[1] must be the last rule: it matches every request, so the 2 rules after it are never reached",
		}},
	}})
}

func TestAuditPolicyRequestReceived(t *testing.T) {
	const reason = "RequestReceived stage recorded"
	runCases(t, "audit-policy-request-received", []checkCase{{
		name:     "the documentation's example omits it",
		manifest: docsAuditPolicy,
	}, {
		name:     "not omitted",
		manifest: weakAuditPolicy,
		want: []finding{{
			Object: "Policy ", Path: "omitStages", Reason: reason,
			Detail: "omitStages must list RequestReceived: rules[1], rules[2] record every request twice",
		}},
	}, {
		name:     "omitted by every rule that records",
		manifest: policy("rules:\n  - level: None\n    nonResourceURLs: ['/healthz*']\n  - level: Metadata\n    omitStages: [RequestReceived]\n"),
	}, {
		name:     "omitted by some rules",
		manifest: policy("rules:\n  - level: Request\n    verbs: [create]\n  - level: Metadata\n    omitStages: [RequestReceived]\n"),
		want: []finding{{
			Object: "Policy ", Path: "omitStages", Reason: reason,
			Detail: "omitStages must list RequestReceived: rules[0] records every request twice",
		}},
	}})
}
