package checks

// With --service-account-lookup (true by default) the kube-apiserver checks
// that the ServiceAccount (and, for a secret-based token, its Secret) of a
// token still exists. With --service-account-lookup=false a token stays
// valid after its ServiceAccount or Secret is deleted, until it expires or
// the signing key is changed: deleting them no longer revokes it.
//
// Inspected: --service-account-lookup of every kube-apiserver (static pod or
// process). Allowed: not set, or true.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-service-account-lookup",
		Title:       "API server does not revoke tokens of deleted service accounts",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "With --service-account-lookup=false the kube-apiserver accepts a service account token without checking that its ServiceAccount and Secret still exist, so deleting them does not revoke a leaked token.",
		Remediation: "Remove --service-account-lookup=false from the kube-apiserver (the default, true, checks that a token's ServiceAccount still exists).",
		CIS:         "1.2.21",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
			"https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			if on, f, set := flagBool(c, "service-account-lookup", true); set && !on {
				out = append(out, flagAt(c, f, "tokens of deleted service accounts accepted",
					fmt.Sprintf("%s must not set --service-account-lookup=%s (tokens of deleted service accounts stay valid)", c, f.Value)))
			}
		}
		return out
	}))
}
