package checks

// The kube-apiserver signs service account tokens with the key of
// --service-account-signing-key-file, names itself in them with
// --service-account-issuer, and accepts tokens verified by the keys of
// --service-account-key-file. Without --service-account-key-file it
// verifies tokens with its own serving key (--tls-private-key-file), which
// ties the token keys to the serving certificate and its rotation; without
// an issuer or a signing key it cannot issue bound tokens (and since v1.20
// does not start). An external signer (--service-account-signing-endpoint)
// replaces both key files.
//
// Inspected: those flags of every kube-apiserver (static pod or process).
// Allowed: an issuer, and either both key files or a signing endpoint.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-service-account-keys",
		Title:       "API server service account token keys not set",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "Service account tokens are signed with --service-account-signing-key-file, carry the issuer of --service-account-issuer, and are verified with the keys of --service-account-key-file. Without that file the API server verifies them with its own TLS serving key, so the token keys cannot be rotated or kept apart from the serving certificate; without an issuer or signing key it cannot issue bound tokens.",
		Remediation: "Set --service-account-issuer, --service-account-signing-key-file (a dedicated private key) and --service-account-key-file (its public key, plus any key being rotated out) on the kube-apiserver, or an external signer with --service-account-signing-endpoint.",
		CIS:         "1.2.22",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/",
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
		},
	}, func(v *nodeView) []check.Finding {
		const reason = "service account token keys not set"
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			out = append(out, flagsRequired(c, reason, "service account tokens carry no issuer; the API server does not start without it", "service-account-issuer")...)
			if _, ok := flagGiven(c, "service-account-signing-endpoint"); ok {
				continue
			}
			out = append(out, flagsRequired(c, reason, "tokens are verified with the API server's TLS serving key by default", "service-account-key-file")...)
			out = append(out, flagsRequired(c, reason, "bound tokens cannot be signed; the API server does not start without it", "service-account-signing-key-file")...)
		}
		return out
	}))
}
