package checks

import (
	"fmt"
	"strconv"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

// admissionV1beta1 is the admission webhook API version whose defaults
// differ from v1's: failurePolicy Ignore, timeoutSeconds 30. The loader
// decodes it into the v1 types; the checks read the version written to
// apply the right defaults.
const admissionV1beta1 = "admissionregistration.k8s.io/v1beta1"

// admissionWebhook is one webhook of a validating or mutating webhook
// configuration, with the fields the webhook checks read.
type admissionWebhook struct {
	// Object is the webhook configuration.
	Object *object.Object
	// Mutating is true for a MutatingWebhookConfiguration's webhook.
	Mutating bool
	// Path is the webhook's field path: "webhooks[0]".
	Path              string
	Name              string
	ClientConfig      admissionv1.WebhookClientConfig
	Rules             []admissionv1.RuleWithOperations
	FailurePolicy     *admissionv1.FailurePolicyType
	NamespaceSelector *metav1.LabelSelector
	ObjectSelector    *metav1.LabelSelector
	TimeoutSeconds    *int32
	MatchConditions   []admissionv1.MatchCondition
}

// admissionWebhooks lists the webhooks of every webhook configuration in
// inv: validating ones first, each configuration's in order.
func admissionWebhooks(inv *inventory.Inventory) []admissionWebhook {
	var out []admissionWebhook
	for _, c := range inv.ValidatingWebhooks {
		for i, w := range c.Value.Webhooks {
			out = append(out, admissionWebhook{
				Object: c.Object, Path: fmt.Sprintf("webhooks[%d]", i), Name: w.Name,
				ClientConfig: w.ClientConfig, Rules: w.Rules, FailurePolicy: w.FailurePolicy,
				NamespaceSelector: w.NamespaceSelector, ObjectSelector: w.ObjectSelector,
				TimeoutSeconds: w.TimeoutSeconds, MatchConditions: w.MatchConditions,
			})
		}
	}
	for _, c := range inv.MutatingWebhooks {
		for i, w := range c.Value.Webhooks {
			out = append(out, admissionWebhook{
				Object: c.Object, Mutating: true, Path: fmt.Sprintf("webhooks[%d]", i), Name: w.Name,
				ClientConfig: w.ClientConfig, Rules: w.Rules, FailurePolicy: w.FailurePolicy,
				NamespaceSelector: w.NamespaceSelector, ObjectSelector: w.ObjectSelector,
				TimeoutSeconds: w.TimeoutSeconds, MatchConditions: w.MatchConditions,
			})
		}
	}
	return out
}

// failurePolicy returns the webhook's failure policy, with the default of
// the API version its configuration was written in, and whether it was set.
func (w admissionWebhook) failurePolicy() (admissionv1.FailurePolicyType, bool) {
	if w.FailurePolicy != nil {
		return *w.FailurePolicy, true
	}
	if w.Object.APIVersion == admissionV1beta1 {
		return admissionv1.Ignore, false
	}
	return admissionv1.Fail, false
}

// noun returns `webhook "name"`.
func (w admissionWebhook) noun() string { return "webhook " + strconv.Quote(w.Name) }
