package checks

// A projected service account token is a bearer credential until it
// expires. The longer it lives, the longer a stolen copy works; the kubelet
// refreshes projected tokens, so a short lifetime costs the workload
// nothing.
//
// Inspected fields:
//   spec.volumes[*].projected.sources[*].serviceAccountToken.expirationSeconds
// Allowed values: undefined/nil (one hour), or at most 3600.
// The kube-api-access-* volume the API server injects for automounting is
// not inspected (service-account-token-automount covers it).

import (
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

// maxTokenExpiry is the longest expirationSeconds allowed: one hour, the
// API's default.
const maxTokenExpiry = 3600

func init() {
	check.Register(perWorkload(check.Meta{
		ID:          "projected-token-long-expiry",
		Title:       "Projected token with long expiry",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "A projected service account token asks for a lifetime longer than one hour. A stolen token can impersonate the workload until it expires, and the kubelet refreshes tokens anyway, so long lifetimes only help an attacker.",
		Remediation: "Set serviceAccountToken.expirationSeconds to 3600 or less, or remove it to get the one-hour default.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken",
			"https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/",
			refServiceAccounts,
		},
	}, func(w *inventory.Workload, _ check.Options) []check.Finding {
		var out []check.Finding
		for _, t := range projectedTokens(w) {
			if t.ExpirationSeconds == nil || *t.ExpirationSeconds <= maxTokenExpiry {
				continue
			}
			field := t.Rel + ".expirationSeconds"
			out = append(out, check.Finding{
				Object: w.Object,
				Path:   t.Path + ".expirationSeconds",
				Reason: "long-lived projected tokens",
				Detail: "volume " + strconv.Quote(t.Volume) + " must set " + field + " to at most " +
					strconv.Itoa(maxTokenExpiry) + ", not " + strconv.FormatInt(*t.ExpirationSeconds, 10),
			})
		}
		return out
	}))
}
