package checks

// A service account token without an audience is issued for the API
// server's own audience. Handed to another service (a vault, a message
// broker, a webhook), it can be replayed against the Kubernetes API as the
// workload; a token bound to the receiving service's audience cannot.
//
// Inspected fields:
//   spec.volumes[*].projected.sources[*].serviceAccountToken.audience
// Allowed values: a non-empty audience naming the token's recipient.
// The kube-api-access-* volume the API server injects for automounting is
// not inspected (service-account-token-automount covers it).

import (
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perWorkload(check.Meta{
		ID:          "projected-token-no-audience",
		Title:       "Projected token without audience",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "A projected service account token without an audience is valid for the Kubernetes API server. Any service the token is presented to can replay it against the API as the workload.",
		Remediation: "Set serviceAccountToken.audience to the identifier of the service the token is meant for.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken",
			"https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#launch-a-pod-using-service-account-token-projection",
			refServiceAccounts,
		},
	}, func(w *inventory.Workload, _ check.Options) []check.Finding {
		var out []check.Finding
		for _, t := range projectedTokens(w) {
			if t.Audience != "" {
				continue
			}
			out = append(out, check.Finding{
				Object: w.Object,
				Path:   t.Path,
				Reason: "projected tokens without audience",
				Detail: "volume " + strconv.Quote(t.Volume) + " must set " + t.Rel + ".audience",
			})
		}
		return out
	}))
}
