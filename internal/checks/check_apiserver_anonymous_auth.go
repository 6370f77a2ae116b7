package checks

// The kube-apiserver answers requests that carry no credentials as the user
// system:anonymous in the group system:unauthenticated unless
// --anonymous-auth=false. Whatever RBAC grants those subjects (discovery and
// the health endpoints by default, anything by mistake) is then open to
// anyone who reaches the port.
//
// Inspected: the --anonymous-auth flag of every kube-apiserver (static pod
// or process). Allowed: --anonymous-auth=false, or an --authentication-config
// file, which configures anonymous access itself (the flag cannot be set
// beside it).

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-anonymous-auth",
		Title:       "API server accepts anonymous requests",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "Unless --anonymous-auth=false, the kube-apiserver serves requests without credentials as system:anonymous, so whatever RBAC grants system:anonymous or system:unauthenticated is open to anyone who reaches the API server's port.",
		Remediation: "Set --anonymous-auth=false on the kube-apiserver, or limit anonymous access to the health endpoints with an AuthenticationConfiguration's anonymous.conditions.",
		CIS:         "1.2.1",
		References:  []string{"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests"},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			if _, ok := c.Flag("authentication-config"); ok {
				continue
			}
			on, f, set := flagBool(c, "anonymous-auth", true)
			switch {
			case !set:
				out = append(out, flagMissing(c, "anonymous-auth", "anonymous requests allowed",
					fmt.Sprintf("%s must set --anonymous-auth=false (anonymous requests are allowed by default)", c)))
			case on:
				out = append(out, flagAt(c, f, "anonymous requests allowed",
					fmt.Sprintf("%s must set --anonymous-auth=false, not %s", c, f.Value)))
			}
		}
		return out
	}))
}
