package checks

// A Linkerd default inbound policy of all-authenticated or
// cluster-authenticated requires a mesh identity (mutual TLS) but does not
// limit who holds it: with no authorization policy in the namespace, every
// meshed workload of the cluster may call every port of every pod in it.
// Deny by default (default-inbound-policy: deny) with Servers and
// AuthorizationPolicies allowing each service's callers is Linkerd's least
// privilege.
//
// Inspected fields: metadata.annotations["config.linkerd.io/default-inbound-policy"]
// of the Namespace objects, and the AuthorizationPolicy and
// ServerAuthorization objects (policy.linkerd.io, read from their JSON) of
// the namespace.
// Allowed values: deny, or an authenticated default with at least one
// AuthorizationPolicy or ServerAuthorization in the namespace. The
// unauthenticated defaults are linkerd-default-policy-unauthenticated's.
//
// It runs only when the scan shows Linkerd (see meshInstalled). A pod's own
// default-inbound-policy annotation is not weighed against its namespace's.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "linkerd-authorization-default-deny-missing",
			Title:       "Linkerd namespace with mutual TLS but no authorization",
			Category:    check.ElevationOfPrivilege,
			Topic:       check.TopicNamespaces,
			Severity:    check.Medium,
			Description: "A namespace whose Linkerd default inbound policy is all-authenticated or cluster-authenticated, and which holds no AuthorizationPolicy or ServerAuthorization, requires a mesh identity from its callers but lets every meshed workload of the cluster call every port of its pods: callers are identified but not limited to what they need.",
			Remediation: "Set config.linkerd.io/default-inbound-policy: deny on the namespace and allow each service's callers with a Server and an AuthorizationPolicy naming their MeshTLSAuthentication (service accounts).",
			References:  []string{refLinkerdPolicy, refLinkerdFeatures},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			if !meshInstalled(inv).linkerd {
				return nil
			}
			authorized := map[string]bool{}
			for _, obj := range inv.Objects {
				if meshKind(obj, "policy.linkerd.io", "AuthorizationPolicy") || meshKind(obj, "policy.linkerd.io", "ServerAuthorization") {
					authorized[obj.Namespace()] = true
				}
			}
			var out []check.Finding
			for _, ns := range inv.Namespaces {
				v := ns.Value.Annotations[linkerdDefaultPolicy]
				if (v != "all-authenticated" && v != "cluster-authenticated") || authorized[ns.Name()] {
					continue
				}
				out = append(out, check.Finding{
					Object: ns.Object,
					Path:   fieldpath.Key("metadata.annotations", linkerdDefaultPolicy),
					Reason: "no deny-by-default authorization",
					Detail: namespaceNoun(ns.Name()) + " must set " + linkerdDefaultPolicy + "=deny or hold an AuthorizationPolicy (its default " + v + " lets every meshed workload call every port of its pods)",
				})
			}
			return out
		},
	})
}
