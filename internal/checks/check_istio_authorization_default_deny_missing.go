package checks

// Mutual TLS proves who a caller is; it does not limit what the caller may
// do. In Istio a workload that no ALLOW AuthorizationPolicy selects accepts
// every authenticated request, so a namespace that enforces STRICT mutual
// TLS still lets every meshed workload call every service in it unless an
// allow-nothing policy (an AuthorizationPolicy with spec: {}) makes deny
// the default and narrower policies allow what each service needs.
//
// Inspected objects: the Namespace objects of the scan whose effective
// mutual-TLS mode is STRICT (see istio-namespace-mtls-not-strict), and the
// AuthorizationPolicy objects (security.istio.io, read from their JSON) of
// the namespace and of the root namespace (istio-system, or the one Istio's
// mesh configuration names; see istio-namespace-mtls-not-strict).
// Allowed values: an AuthorizationPolicy with action ALLOW (or unset), no
// selector and no rules, in the namespace or in the root namespace.
//
// A live scan evaluates it only when it listed the PeerAuthentications and
// AuthorizationPolicies of every namespace: not in a namespace scan (-n),
// which misses the mesh-wide policies, nor when they could not be listed
// (the report says why).
//
// An ALLOW policy with rules also denies what it does not match for the
// workloads it selects; the check does not count it, since it leaves the
// other workloads, and workloads added later, open.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "istio-authorization-default-deny-missing",
			Title:       "Namespace with mutual TLS but no deny-by-default authorization",
			Category:    check.ElevationOfPrivilege,
			Topic:       check.TopicNamespaces,
			Severity:    check.Medium,
			Description: "A namespace that enforces STRICT mutual TLS but has no allow-nothing AuthorizationPolicy (spec: {}), nor one mesh-wide in the root namespace (istio-system unless the mesh configuration names another), lets every authenticated workload of the mesh call every service in it: callers are identified but not limited to what they need.",
			Remediation: "Apply an AuthorizationPolicy with spec: {} in the namespace (or in istio-system for the mesh), then allow each service's callers with narrower ALLOW policies.",
			References:  []string{refIstioAuthz, refIstioAuthzTask},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			if !meshInstalled(inv).istio {
				return nil
			}
			deny := istioAllowNothing(inv)
			var out []check.Finding
			for _, ns := range inv.Namespaces {
				out = append(out, istioAuthorizationDefaultDenyMissing(inv, ns, deny)...)
			}
			return out
		},
	})
}

func istioAuthorizationDefaultDenyMissing(inv *inventory.Inventory, ns inventory.Item[corev1.Namespace], deny map[string]bool) []check.Finding {
	if systemNamespace(ns.Name()) || istioNamespaceMTLS(inv, ns.Name()).mode != "STRICT" {
		return nil
	}
	root := istioRoot(inv)
	if deny[ns.Name()] || deny[root] {
		return nil
	}
	return []check.Finding{{
		Object: ns.Object,
		Path:   "metadata",
		Reason: "no deny-by-default authorization",
		Detail: namespaceNoun(ns.Name()) + " must have an allow-nothing AuthorizationPolicy (spec: {}) or be covered by one in " + root + " (it requires mutual TLS, but every authenticated caller may reach every service in it)",
	}}
}

// istioAllowNothing returns the namespaces holding an allow-nothing
// AuthorizationPolicy.
func istioAllowNothing(inv *inventory.Inventory) map[string]bool {
	out := map[string]bool{}
	for _, obj := range inv.Objects {
		if !meshKind(obj, "security.istio.io", "AuthorizationPolicy") {
			continue
		}
		var ap authorizationPolicy
		if decodeMesh(obj, &ap) && ap.allowNothing() {
			out[obj.Namespace()] = true
		}
	}
	return out
}
