package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestAdmissionWebhookFailOpen(t *testing.T) {
	cases := []checkCase{{
		name: "validating webhook that ignores failures, with a short timeout",
		manifest: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: policy
webhooks:
- name: validate.policy.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    service: {name: policy-webhook, namespace: policy-system, path: /validate}
  rules:
  - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
  failurePolicy: Ignore
  timeoutSeconds: 1
- name: audit.policy.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    service: {name: policy-webhook, namespace: policy-system, path: /audit}
  failurePolicy: Fail
  timeoutSeconds: 1
`,
		lines: true,
		want: []finding{{
			Object: "ValidatingWebhookConfiguration policy",
			Path:   "webhooks[0].failurePolicy",
			Reason: "fail-open admission webhook",
			Detail: `webhook "validate.policy.example.com" must not set failurePolicy=Ignore (requests it matches are admitted unchecked while it is unavailable)`,
			Line:   13,
		}, {
			Object:   "ValidatingWebhookConfiguration policy",
			Path:     "webhooks[0].timeoutSeconds",
			Reason:   "short fail-open webhook timeout",
			Detail:   `webhook "validate.policy.example.com" must not set timeoutSeconds=1 while it fails open (any answer slower than that admits the request unchecked); set 3 or more`,
			Severity: check.Low,
			Line:     14,
		}},
	}, {
		name: "mutating webhook that ignores failures is low",
		manifest: `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: injector
webhooks:
- name: inject.mesh.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    service: {name: injector, namespace: mesh-system}
  failurePolicy: Ignore
  timeoutSeconds: 10
`,
		want: []finding{{
			Object:   "MutatingWebhookConfiguration injector",
			Path:     "webhooks[0].failurePolicy",
			Reason:   "fail-open admission webhook",
			Detail:   `webhook "inject.mesh.example.com" must not set failurePolicy=Ignore (requests it matches are admitted unchecked while it is unavailable)`,
			Severity: check.Low,
		}},
	}, {
		name: "v1beta1 defaults to Ignore",
		manifest: `apiVersion: admissionregistration.k8s.io/v1beta1
kind: ValidatingWebhookConfiguration
metadata:
  name: legacy
webhooks:
- name: legacy.example.com
  clientConfig:
    service: {name: legacy, namespace: legacy}
`,
		want: []finding{{
			Object: "ValidatingWebhookConfiguration legacy",
			Path:   "webhooks[0].failurePolicy",
			Reason: "fail-open admission webhook",
			Detail: `webhook "legacy.example.com" must set failurePolicy=Fail (unset, it is Ignore in admissionregistration.k8s.io/v1beta1: requests it matches are admitted unchecked while it is unavailable)`,
		}},
	}, {
		name: "v1 defaults to Fail, and Fail is fine",
		manifest: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: strict
webhooks:
- name: default.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    service: {name: strict, namespace: strict}
- name: explicit.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    service: {name: strict, namespace: strict}
  failurePolicy: Fail
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingWebhookConfiguration
metadata:
  name: old-but-strict
webhooks:
- name: old.example.com
  clientConfig:
    service: {name: strict, namespace: strict}
  failurePolicy: Fail
`,
		want: nil,
	}}
	runCases(t, "admission-webhook-fail-open", cases)
}
