package checks

// A Secret of type kubernetes.io/service-account-token makes the token
// controller mint a token for the named service account that never expires
// and is not bound to a pod: whoever reads the Secret can act as the service
// account until the Secret is deleted.
//
// Inspected fields:
//   Secret type
//   Secret metadata.annotations["kubernetes.io/service-account.name"] (named
//   in the detail)
// Allowed values: any type but kubernetes.io/service-account-token.

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "legacy-service-account-token-secret",
			Title:       "Long-lived service account token Secret",
			Category:    check.Spoofing,
			Topic:       check.TopicObjects,
			Severity:    check.Medium,
			Description: "A Secret of type kubernetes.io/service-account-token holds a service account token that never expires and is bound to no pod, so anyone who reads the Secret can act as the service account until the Secret is deleted.",
			Remediation: "Delete the Secret and let pods use projected service account tokens, or request short-lived tokens with the TokenRequest API (kubectl create token).",
			References:  []string{refServiceAccounts, "https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#manual-secret-management-for-serviceaccounts", refSecrets},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, s := range inv.Secrets {
				if f, ok := legacyServiceAccountTokenSecret(s); ok {
					out = append(out, f)
				}
			}
			return out
		},
	})
}

func legacyServiceAccountTokenSecret(s inventory.Item[corev1.Secret]) (check.Finding, bool) {
	if s.Value.Type != corev1.SecretTypeServiceAccountToken {
		return check.Finding{}, false
	}
	detail := "secret " + strconv.Quote(s.Name()) + " must not be of type " + string(corev1.SecretTypeServiceAccountToken)
	if sa, ok := s.Value.Annotations[corev1.ServiceAccountNameKey]; ok && sa != "" {
		detail += " (a long-lived token for service account " + strconv.Quote(sa) + ")"
	} else {
		detail += " (a long-lived service account token; it names no service account in the " + corev1.ServiceAccountNameKey + " annotation)"
	}
	return check.Finding{
		Object: s.Object,
		Path:   "type",
		Reason: "long-lived service account token",
		Detail: detail,
	}, true
}
