package checks

// An admission webhook whose failurePolicy is Ignore admits every request it
// matches, unchecked or unmutated, whenever it cannot be reached or does not
// answer in time: whoever can take it down or slow it (by load, by deleting
// its pods, by a network policy) bypasses the policy it enforces. A very
// short timeout makes that bypass easy.
//
// Inspected fields, of each webhook of a ValidatingWebhookConfiguration or
// MutatingWebhookConfiguration:
//   webhooks[*].failurePolicy (unset means Fail in admissionregistration.k8s.io/v1,
//   Ignore in v1beta1)
//   webhooks[*].timeoutSeconds, for a webhook that fails open
// Allowed values: failurePolicy Fail. A fail-open webhook's timeoutSeconds
// must be 3 or more.
//
// A validating webhook that fails open is medium: it typically enforces a
// security policy. A mutating one is low: what it adds (defaults, sidecars)
// is missing, and a validating policy may still catch the object.

import (
	"strconv"

	admissionv1 "k8s.io/api/admissionregistration/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

// minWebhookTimeout is the shortest timeoutSeconds not reported on a
// webhook that fails open.
const minWebhookTimeout = 3

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "admission-webhook-fail-open",
			Title:       "Admission webhook fails open",
			Category:    check.Tampering,
			Topic:       check.TopicCluster,
			Severity:    check.Medium,
			Description: "An admission webhook with failurePolicy Ignore admits every request it matches without its check or mutation whenever it is down or slow, so whoever can make it unavailable bypasses the policy it enforces. A timeout of a second or two makes that as easy as slowing it down.",
			Remediation: "Set failurePolicy: Fail on webhooks that enforce security policy, run them with several replicas and a PodDisruptionBudget, and keep timeoutSeconds at 3 or more.",
			References:  []string{refAdmissionWebhooks, "https://kubernetes.io/docs/concepts/cluster-administration/admission-webhooks-good-practices/"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, w := range admissionWebhooks(inv) {
				out = append(out, webhookFailOpen(w)...)
			}
			return out
		},
	})
}

func webhookFailOpen(w admissionWebhook) []check.Finding {
	policy, set := w.failurePolicy()
	if policy != admissionv1.Ignore {
		return nil
	}
	sev := check.Severity(0)
	if w.Mutating {
		sev = check.Low
	}
	f := check.Finding{
		Object:   w.Object,
		Path:     w.Path + ".failurePolicy",
		Reason:   "fail-open admission webhook",
		Detail:   w.noun() + " must not set failurePolicy=Ignore (requests it matches are admitted unchecked while it is unavailable)",
		Severity: sev,
	}
	if !set {
		f.Detail = w.noun() + " must set failurePolicy=Fail (unset, it is Ignore in " + admissionV1beta1 + ": requests it matches are admitted unchecked while it is unavailable)"
	}
	out := []check.Finding{f}
	if t := w.TimeoutSeconds; t != nil && *t < minWebhookTimeout {
		out = append(out, check.Finding{
			Object:   w.Object,
			Path:     w.Path + ".timeoutSeconds",
			Reason:   "short fail-open webhook timeout",
			Detail:   w.noun() + " must not set timeoutSeconds=" + strconv.Itoa(int(*t)) + " while it fails open (any answer slower than that admits the request unchecked); set " + strconv.Itoa(minWebhookTimeout) + " or more",
			Severity: check.Low,
		})
	}
	return out
}
