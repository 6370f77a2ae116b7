package checks

// An Istio PeerAuthentication in mode PERMISSIVE lets the workloads it
// covers accept plaintext as well as mutual TLS, and DISABLE turns mutual
// TLS off: a caller outside the mesh, or one that skips its proxy, reaches
// them without proving an identity, and the AuthorizationPolicies that name
// principals cannot tell who it is. A port-level exception does the same
// for one port of otherwise STRICT workloads.
//
// Inspected fields, of PeerAuthentication (security.istio.io, any version,
// read from the object's JSON):
//   spec.mtls.mode
//   spec.portLevelMtls.<port>.mode
// Allowed values: STRICT or UNSET (inherit). PERMISSIVE is reported at the
// check's severity, DISABLE as high. Whether a PERMISSIVE policy is a
// deliberate, temporary migration step the objects do not say.

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "istio-peer-authentication-permissive",
			Title:       "Istio PeerAuthentication accepts plaintext",
			Category:    check.Spoofing,
			Topic:       check.TopicObjects,
			Severity:    check.Medium,
			Description: "A PeerAuthentication in mode PERMISSIVE or DISABLE, for its workloads or one of their ports (portLevelMtls), lets callers reach them over plaintext without a mesh identity, so authorization by principal cannot tell who they are and any pod that reaches the port can pass for a legitimate client.",
			Remediation: "Set spec.mtls.mode to STRICT (or UNSET, to inherit a STRICT namespace or mesh policy) and remove PERMISSIVE and DISABLE port-level exceptions once every client is in the mesh.",
			References:  []string{refIstioPeerAuthn, refIstioMTLS},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, obj := range inv.Objects {
				out = append(out, istioPeerAuthenticationPermissive(obj)...)
			}
			return out
		},
	})
}

func istioPeerAuthenticationPermissive(obj *object.Object) []check.Finding {
	if !meshKind(obj, "security.istio.io", "PeerAuthentication") {
		return nil
	}
	var pa peerAuthentication
	if !decodeMesh(obj, &pa) {
		return nil
	}
	noun := "PeerAuthentication " + strconv.Quote(obj.Name())
	scope := "its workloads"
	switch {
	case pa.wide() && obj.Namespace() == istioRootNamespace:
		scope = "the whole mesh"
	case pa.wide():
		scope = namespaceNoun(obj.Namespace())
	}
	var out []check.Finding
	if m := pa.mode(); weakMTLS(m) {
		out = append(out, check.Finding{
			Object:   obj,
			Path:     "spec.mtls.mode",
			Reason:   "mutual TLS not required",
			Detail:   fmt.Sprintf("%s must set spec.mtls.mode=STRICT, not %s (%s then %s)", noun, m, scope, acceptsPlaintext(m)),
			Severity: weakMTLSSeverity(m),
		})
	}
	ports := make([]string, 0, len(pa.Spec.PortLevelMTLS))
	for p := range pa.Spec.PortLevelMTLS {
		ports = append(ports, p)
	}
	sort.Slice(ports, func(i, j int) bool { return portLess(ports[i], ports[j]) })
	for _, p := range ports {
		m := pa.Spec.PortLevelMTLS[p].Mode
		if !weakMTLS(m) {
			continue
		}
		path := fieldpath.Join(fieldpath.Key("spec.portLevelMtls", p), "mode")
		out = append(out, check.Finding{
			Object:   obj,
			Path:     path,
			Reason:   "mutual TLS not required",
			Detail:   fmt.Sprintf("%s must not set %s=%s (port %s of %s then %s)", noun, path, m, p, scope, acceptsPlaintext(m)),
			Severity: weakMTLSSeverity(m),
		})
	}
	return out
}

// weakMTLS reports whether an mTLS mode lets plaintext in.
func weakMTLS(mode string) bool { return mode == "PERMISSIVE" || mode == "DISABLE" }

// acceptsPlaintext says what a weak mode does.
func acceptsPlaintext(mode string) string {
	if mode == "DISABLE" {
		return "accepts only plaintext"
	}
	return "accepts plaintext beside mutual TLS"
}

// weakMTLSSeverity grades DISABLE above the check's default.
func weakMTLSSeverity(mode string) check.Severity {
	if mode == "DISABLE" {
		return check.High
	}
	return 0
}

// portLess orders port keys numerically when both are numbers.
func portLess(a, b string) bool {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}
