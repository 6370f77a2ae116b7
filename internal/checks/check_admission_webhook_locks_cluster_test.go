package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// lockWebhook returns a ValidatingWebhookConfiguration "cfg" with one
// webhook "hook.example.com" served from namespace ns; extra holds more of
// the webhook's fields, unindented.
func lockWebhook(ns, extra string) string {
	return `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: cfg
webhooks:
- name: hook.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    service: {name: hook, namespace: ` + ns + `}
` + indent(extra, "  ")
}

func TestAdmissionWebhookLocksCluster(t *testing.T) {
	const allPods = "rules:\n- {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}\n"
	cases := []checkCase{{
		name:     "every resource, no selector",
		manifest: lockWebhook("kyverno", "rules:\n- {apiGroups: [\"*\"], apiVersions: [\"*\"], operations: [\"*\"], resources: [\"*/*\"], scope: \"*\"}\nfailurePolicy: Fail\n"),
		lines:    true,
		want: []finding{{
			Object:   "ValidatingWebhookConfiguration cfg",
			Path:     "webhooks[0].namespaceSelector",
			Reason:   "admission webhook without system namespace exclusion",
			Detail:   `webhook "hook.example.com" must exclude namespaces "kube-system", "kyverno" with its namespaceSelector (it intercepts pod creation there with failurePolicy=Fail, so while it is down no pod there can be created, not even its own)`,
			Severity: check.High,
			Line:     6,
		}},
	}, {
		name: "kube-system excluded, its own namespace not",
		manifest: lockWebhook("policy", allPods+`namespaceSelector:
  matchExpressions:
  - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}
`),
		want: []finding{{
			Object: "ValidatingWebhookConfiguration cfg",
			Path:   "webhooks[0].namespaceSelector",
			Reason: "admission webhook without system namespace exclusion",
			Detail: `webhook "hook.example.com" must exclude namespace "policy" with its namespaceSelector (it intercepts pod creation there with failurePolicy=Fail, so while it is down no pod there can be created, not even its own)`,
		}},
	}, {
		name: "its own namespace excluded by a label of the Namespace in the scan",
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: gatekeeper-system
  labels: {admission.gatekeeper.sh/ignore: no-self-managing}
---
` + lockWebhook("gatekeeper-system", allPods+`namespaceSelector:
  matchExpressions:
  - {key: admission.gatekeeper.sh/ignore, operator: DoesNotExist}
`),
		want: []finding{{
			Object:   "ValidatingWebhookConfiguration cfg",
			Path:     "webhooks[0].namespaceSelector",
			Reason:   "admission webhook without system namespace exclusion",
			Detail:   `webhook "hook.example.com" must exclude namespace "kube-system" with its namespaceSelector (it intercepts pod creation there with failurePolicy=Fail, so while it is down no pod there can be created)`,
			Severity: check.High,
		}},
	}, {
		name: "mutating webhook, v1 default failure policy",
		manifest: `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: injector
webhooks:
- name: inject.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    url: https://injector.example.com/mutate
  rules:
  - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: ["*"], scope: Namespaced}
`,
		want: []finding{{
			Object:   "MutatingWebhookConfiguration injector",
			Path:     "webhooks[0].namespaceSelector",
			Reason:   "admission webhook without system namespace exclusion",
			Detail:   `webhook "inject.example.com" must exclude namespace "kube-system" with its namespaceSelector (it intercepts pod creation there with failurePolicy=Fail, so while it is down no pod there can be created)`,
			Severity: check.High,
		}},
	}, {
		name: "not reported",
		manifest: lockWebhook("a", allPods+`namespaceSelector:
  matchExpressions:
  - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system, a]}
`) + "---\n" + lockWebhook("b", allPods+"failurePolicy: Ignore\n") +
			"---\n" + lockWebhook("c", allPods+"objectSelector: {matchLabels: {inject: \"true\"}}\n") +
			"---\n" + lockWebhook("d", allPods+"matchConditions:\n- {name: not-system, expression: \"true\"}\n") +
			"---\n" + lockWebhook("e", "rules:\n- {apiGroups: [\"\"], apiVersions: [v1], operations: [UPDATE, DELETE], resources: [pods]}\n") +
			"---\n" + lockWebhook("f", "rules:\n- {apiGroups: [cert-manager.io], apiVersions: [\"*\"], operations: [CREATE], resources: [\"*\"]}\n") +
			"---\n" + lockWebhook("g", "rules:\n- {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [\"*\"], scope: Cluster}\n"),
		want: nil,
	}}
	runCases(t, "admission-webhook-locks-cluster", cases)
}
