package checks

// A static token file (--token-auth-file) holds bearer tokens in clear text
// on the control-plane node; they never expire, cannot be revoked without
// restarting the API server, and are often shared. --basic-auth-file, the
// password file of the same kind, was removed in v1.19: a manifest that
// still names it is a leftover whose file holds passwords in clear text
// (and an API server of v1.19 or later refuses to start with it).
//
// Inspected: --token-auth-file and --basic-auth-file of every
// kube-apiserver (static pod or process). Allowed: neither set. The files'
// content is never read into a finding.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-token-auth-file",
		Title:       "API server accepts static tokens or passwords",
		Category:    check.Spoofing,
		Severity:    check.High,
		Description: "A static token file (--token-auth-file) or a basic-auth password file (--basic-auth-file, removed in v1.19) keeps long-lived credentials in clear text on the control-plane node. They do not expire, cannot be revoked without restarting the API server, and whoever reads the file or one of its lines can act as the users it lists.",
		Remediation: "Remove --token-auth-file and --basic-auth-file from the kube-apiserver and authenticate users with client certificates, OIDC or a webhook, and workloads with service account tokens.",
		CIS:         "1.2.2",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file",
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			if f, ok := c.Flag("token-auth-file"); ok {
				out = append(out, flagAt(c, f, "static credentials file",
					fmt.Sprintf("%s must not set --token-auth-file (static bearer tokens in clear text that cannot be revoked)", c)))
			}
			if f, ok := c.Flag("basic-auth-file"); ok {
				out = append(out, flagAt(c, f, "static credentials file",
					fmt.Sprintf("%s must not set --basic-auth-file (passwords in clear text; the flag was removed in v1.19)", c)))
			}
		}
		return out
	}))
}
