package checks

// Where Istio is installed, a namespace whose workloads are not covered by a
// STRICT PeerAuthentication accepts plaintext connections: Istio's default
// is PERMISSIVE, so without a mesh-wide STRICT policy in the root namespace
// (istio-system by default) or a namespace-wide one, any pod — meshed or not — can call
// the namespace's services without a verified identity.
//
// Inspected objects: the Namespace objects of the scan (but kube-system,
// kube-public and kube-node-lease, which no mesh injects), and the
// PeerAuthentication objects (security.istio.io, read from their JSON)
// without a selector, in the namespace and in the root namespace; Istio's
// mesh configuration (the ConfigMap istio, key mesh: rootNamespace, or
// istiod's namespace when unset), which names the root namespace, where
// the scan holds it.
// Allowed values: the namespace's effective mode is STRICT: its own
// namespace-wide policy says STRICT, or it has none (or UNSET) and the
// mesh-wide policy says STRICT.
//
// Workload-level policies (with a selector) and port-level exceptions are
// judged on the policy itself by istio-peer-authentication-permissive.
// Without the mesh configuration the root namespace is taken to be
// istio-system, Istio's default. It runs only when the scan shows Istio (see meshInstalled). A live scan
// evaluates it only when it listed the PeerAuthentications of every
// namespace: not in a namespace scan (-n), which misses the mesh-wide
// policy, nor when they could not be listed (the report says why).

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "istio-namespace-mtls-not-strict",
			Title:       "Namespace not covered by STRICT mutual TLS",
			Category:    check.Spoofing,
			Topic:       check.TopicNamespaces,
			Severity:    check.Medium,
			Description: "Where Istio is installed, a namespace whose effective PeerAuthentication mode is not STRICT (no mesh-wide STRICT policy in istio-system and no namespace-wide one, Istio's default being PERMISSIVE) accepts plaintext connections, so any pod can call its services without a verified identity. The root namespace is read from Istio's mesh configuration (ConfigMap istio, rootNamespace) when the scan holds it, istio-system otherwise.",
			Remediation: "Apply a PeerAuthentication without a selector and with spec.mtls.mode STRICT in istio-system (mesh-wide) or in the namespace.",
			References:  []string{refIstioPeerAuthn, refIstioMTLS},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			if !meshInstalled(inv).istio {
				return nil
			}
			var out []check.Finding
			for _, ns := range inv.Namespaces {
				out = append(out, istioNamespaceMTLSNotStrict(inv, ns)...)
			}
			return out
		},
	})
}

func istioNamespaceMTLSNotStrict(inv *inventory.Inventory, ns inventory.Item[corev1.Namespace]) []check.Finding {
	if systemNamespace(ns.Name()) {
		return nil
	}
	m := istioNamespaceMTLS(inv, ns.Name())
	if m.mode == "STRICT" {
		return nil
	}
	why := "no PeerAuthentication covers it and Istio's default is PERMISSIVE"
	if m.from != "" {
		why = "PeerAuthentication " + strconv.Quote(m.from) + " sets mode " + m.mode
	}
	return []check.Finding{{
		Object: ns.Object,
		Path:   "metadata",
		Reason: "mutual TLS not enforced",
		Detail: namespaceNoun(ns.Name()) + " must be covered by a PeerAuthentication with spec.mtls.mode=STRICT (" + why + ")",
	}}
}
