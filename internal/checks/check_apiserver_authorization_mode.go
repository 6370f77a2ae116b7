package checks

// The kube-apiserver authorizes a request when any authorizer in
// --authorization-mode allows it. AlwaysAllow anywhere in the chain
// authorizes every authenticated (and, with anonymous auth, every
// anonymous) request; it is also the default when neither
// --authorization-mode nor --authorization-config is set. Without Node the
// kubelets' access is not limited to their own node's objects; without RBAC
// the roles and bindings of the cluster are not enforced.
//
// Inspected: --authorization-mode of every kube-apiserver (static pod or
// process). Allowed: a list that includes Node and RBAC and not AlwaysAllow.
// An --authorization-config file (AuthorizationConfiguration) replaces the
// flag (the two cannot be set together) and is not judged here.

import (
	"fmt"
	"slices"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-authorization-mode",
		Title:       "API server authorization without Node and RBAC",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "The kube-apiserver authorizes a request when any authorizer of --authorization-mode allows it. AlwaysAllow, the default when the flag is not set, lets every authenticated user do anything; without RBAC, roles and bindings are not enforced, and without Node a kubelet's credentials reach the objects of other nodes.",
		Remediation: "Set --authorization-mode=Node,RBAC on the kube-apiserver (add Webhook if an external authorizer is needed), never AlwaysAllow.",
		CIS:         "1.2.6, 1.2.7, 1.2.8",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/authorization/#authorization-modules",
			"https://kubernetes.io/docs/reference/access-authn-authz/node/",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			if _, ok := flagGiven(c, "authorization-config"); ok {
				continue
			}
			f, ok := c.Flag("authorization-mode")
			if !ok {
				fd := flagMissing(c, "authorization-mode", "weak authorization modes",
					fmt.Sprintf("%s must set --authorization-mode=Node,RBAC (every request is allowed by default: AlwaysAllow)", c))
				fd.Severity = check.Critical
				out = append(out, fd)
				continue
			}
			modes := c.List("authorization-mode")
			if slices.Contains(modes, "AlwaysAllow") {
				fd := flagAt(c, f, "weak authorization modes",
					fmt.Sprintf("%s must not set AlwaysAllow in --authorization-mode=%s (every request is allowed)", c, f.Value))
				fd.Severity = check.Critical
				out = append(out, fd)
			}
			var missing []string
			for _, m := range []string{"Node", "RBAC"} {
				if !slices.Contains(modes, m) {
					missing = append(missing, m)
				}
			}
			if len(missing) > 0 {
				out = append(out, flagAt(c, f, "weak authorization modes",
					fmt.Sprintf("%s must include %s in --authorization-mode, not %s", c, joinAnd(missing), f.Value)))
			}
		}
		return out
	}))
}
