package checks

// An admission webhook with failurePolicy Fail rejects every request it
// matches while it is down. When it intercepts pod creation in kube-system,
// or in the namespace of its own service, the cluster can lock itself: the
// webhook's pods cannot be recreated because creating them needs the
// webhook, and the control plane's add-ons (DNS, CNI, kube-proxy) cannot
// restart.
//
// Inspected fields, of each webhook of a ValidatingWebhookConfiguration or
// MutatingWebhookConfiguration:
//   webhooks[*].failurePolicy (unset means Fail in v1, Ignore in v1beta1)
//   webhooks[*].rules (a rule intercepts pods when it matches CREATE of
//   pods in the core group, by name or by "*", at Namespaced or "*" scope)
//   webhooks[*].namespaceSelector, matched against the namespace's
//   kubernetes.io/metadata.name label and the labels of its Namespace object
//   when the scan holds it
//   webhooks[*].objectSelector and webhooks[*].matchConditions (either one
//   set: the webhook may skip the pods that matter, and is not reported)
//   webhooks[*].clientConfig.service.namespace (the webhook's own namespace)
// Allowed values: a namespaceSelector that excludes kube-system and the
// webhook's own namespace, or failurePolicy Ignore.
//
// kube-system makes the finding high; the webhook's own namespace alone,
// medium.

import (
	"slices"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "admission-webhook-locks-cluster",
			Title:       "Admission webhook can lock the cluster",
			Category:    check.DenialOfService,
			Topic:       check.TopicCluster,
			Severity:    check.Medium,
			Description: "An admission webhook with failurePolicy Fail that intercepts pod creation in kube-system or in its own namespace, without a namespaceSelector excluding them, blocks those pods while it is down: its own pods cannot be recreated, since creating them needs the webhook, and neither can the cluster's system add-ons.",
			Remediation: "Add a namespaceSelector that excludes kube-system and the webhook's own namespace (for example kubernetes.io/metadata.name NotIn [kube-system, <namespace>]).",
			References:  []string{refAdmissionWebhooks, "https://kubernetes.io/docs/concepts/cluster-administration/admission-webhooks-good-practices/#avoid-deadlocks-in-self-hosted-webhooks"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, w := range admissionWebhooks(inv) {
				if f, ok := webhookLocksCluster(inv, w); ok {
					out = append(out, f)
				}
			}
			return out
		},
	})
}

func webhookLocksCluster(inv *inventory.Inventory, w admissionWebhook) (check.Finding, bool) {
	if policy, _ := w.failurePolicy(); policy != admissionv1.Fail {
		return check.Finding{}, false
	}
	if !emptySelector(w.ObjectSelector) || len(w.MatchConditions) > 0 || !slices.ContainsFunc(w.Rules, interceptsPods) {
		return check.Finding{}, false
	}
	sel := labels.Everything()
	if w.NamespaceSelector != nil {
		s, err := metav1.LabelSelectorAsSelector(w.NamespaceSelector)
		if err != nil {
			return check.Finding{}, false // the API server rejects the configuration
		}
		sel = s
	}
	own := ""
	if svc := w.ClientConfig.Service; svc != nil {
		own = svc.Namespace
	}
	var locked []string
	for _, ns := range []string{metav1.NamespaceSystem, own} {
		if ns != "" && !slices.Contains(locked, ns) && sel.Matches(namespaceLabels(inv, ns)) {
			locked = append(locked, ns)
		}
	}
	if len(locked) == 0 {
		return check.Finding{}, false
	}
	var sev check.Severity
	if slices.Contains(locked, metav1.NamespaceSystem) {
		sev = check.High
	}
	why := "it intercepts pod creation there with failurePolicy=Fail, so while it is down no pod there can be created"
	if slices.Contains(locked, own) {
		why += ", not even its own"
	}
	return check.Finding{
		Object:   w.Object,
		Path:     w.Path + ".namespaceSelector",
		Reason:   "admission webhook without system namespace exclusion",
		Detail:   w.noun() + " must exclude " + pluralize("namespace ", "namespaces ", len(locked)) + joinQuote(locked) + " with its namespaceSelector (" + why + ")",
		Severity: sev,
	}, true
}

// interceptsPods reports whether r matches the creation of pods.
func interceptsPods(r admissionv1.RuleWithOperations) bool {
	if !slices.ContainsFunc(r.Operations, func(op admissionv1.OperationType) bool {
		return op == admissionv1.Create || op == admissionv1.OperationAll
	}) {
		return false
	}
	if !slices.Contains(r.APIGroups, "") && !slices.Contains(r.APIGroups, "*") {
		return false
	}
	if !slices.Contains(r.Resources, "pods") && !slices.Contains(r.Resources, "*") && !slices.Contains(r.Resources, "*/*") {
		return false
	}
	return r.Scope == nil || *r.Scope == admissionv1.AllScopes || *r.Scope == admissionv1.NamespacedScope
}

// emptySelector reports whether s selects everything.
func emptySelector(s *metav1.LabelSelector) bool {
	return s == nil || (len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0)
}

// namespaceLabels returns the labels a namespaceSelector sees on the
// namespace ns: the kubernetes.io/metadata.name label the API server sets,
// and those of its Namespace object when the scan holds it.
func namespaceLabels(inv *inventory.Inventory, ns string) labels.Set {
	set := labels.Set{corev1.LabelMetadataName: ns}
	if n := inv.Namespace(ns); n != nil && n.Object != nil {
		for k, v := range n.Object.Value.Labels {
			set[k] = v
		}
		set[corev1.LabelMetadataName] = ns
	}
	return set
}
