package checks

// What the service-mesh checks share: finding Istio's and Linkerd's objects
// in the scan, reading them from their JSON (their kinds are not built in,
// so they arrive as object.Object.Raw), and Istio's resolution of the
// effective mutual-TLS mode of a namespace.

import (
	"encoding/json"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

const (
	// istioRootNamespace is Istio's default root namespace: a policy there
	// without a selector applies to the whole mesh. The mesh configuration
	// may name another (see istioRoot).
	istioRootNamespace = "istio-system"

	refIstioPeerAuthn  = "https://istio.io/latest/docs/reference/config/security/peer_authentication/"
	refIstioAuthz      = "https://istio.io/latest/docs/reference/config/security/authorization-policy/"
	refIstioMTLS       = "https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/"
	refIstioAuthzTask  = "https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns"
	refLinkerdPolicy   = "https://linkerd.io/2/reference/authorization-policy/"
	refLinkerdFeatures = "https://linkerd.io/2/features/server-policy/"
)

// meshKind tells whether obj is of the given kind in the API group (any
// version).
func meshKind(obj *object.Object, group, kind string) bool {
	return obj.Kind == kind && strings.HasPrefix(obj.APIVersion, group+"/") && len(obj.Raw) > 0
}

// decodeMesh reads obj's JSON into v; false when a field has the wrong type
// (the API server's schema would refuse the object).
func decodeMesh(obj *object.Object, v any) bool {
	return json.Unmarshal(obj.Raw, v) == nil
}

// meshPresence is what the scan shows of the service meshes installed.
type meshPresence struct {
	istio, linkerd bool
}

// any reports whether some mesh is installed.
func (p meshPresence) any() bool { return p.istio || p.linkerd }

// meshInstalled returns which meshes the inventory shows: their policy or
// configuration objects, their CustomResourceDefinitions, their control
// plane (istiod, Linkerd's destination and identity controllers) or
// namespaces marked for their proxy injection.
func meshInstalled(inv *inventory.Inventory) meshPresence {
	return inv.Derived(meshPresenceKey{}, func(inv *inventory.Inventory) any {
		var p meshPresence
		for _, obj := range inv.Objects {
			group := obj.APIVersion
			if i := strings.IndexByte(group, '/'); i >= 0 {
				group = group[:i]
			}
			switch {
			case strings.HasSuffix(group, ".istio.io"):
				p.istio = true
			case strings.HasSuffix(group, ".linkerd.io"):
				p.linkerd = true
			case obj.Kind == "CustomResourceDefinition" && strings.HasSuffix(obj.Name(), ".istio.io"):
				p.istio = true
			case obj.Kind == "CustomResourceDefinition" && strings.HasSuffix(obj.Name(), ".linkerd.io"):
				p.linkerd = true
			case obj.Kind == "Deployment" && obj.Name() == "istiod":
				p.istio = true
			case obj.Kind == "Deployment" && (obj.Name() == "linkerd-destination" || obj.Name() == "linkerd-identity"):
				p.linkerd = true
			}
		}
		for _, ns := range inv.Namespaces {
			l, a := ns.Value.Labels, ns.Value.Annotations
			if l["istio-injection"] == "enabled" || l["istio.io/rev"] != "" || l["istio.io/dataplane-mode"] == "ambient" {
				p.istio = true
			}
			if a["linkerd.io/inject"] == "enabled" {
				p.linkerd = true
			}
		}
		return p
	}).(meshPresence)
}

type meshPresenceKey struct{}

// istioSelector is an Istio workload selector.
type istioSelector struct {
	MatchLabels map[string]string `json:"matchLabels"`
}

// peerAuthentication is what the checks read of an Istio
// PeerAuthentication.
type peerAuthentication struct {
	Spec struct {
		Selector *istioSelector `json:"selector"`
		MTLS     *struct {
			Mode string `json:"mode"`
		} `json:"mtls"`
		PortLevelMTLS map[string]struct {
			Mode string `json:"mode"`
		} `json:"portLevelMtls"`
	} `json:"spec"`
}

// mode returns the policy's mTLS mode, "UNSET" when it sets none.
func (pa *peerAuthentication) mode() string {
	if pa.Spec.MTLS == nil || pa.Spec.MTLS.Mode == "" {
		return "UNSET"
	}
	return pa.Spec.MTLS.Mode
}

// wide reports whether the policy has no workload selector, so that it
// applies to its whole namespace (or, in the root namespace, the mesh).
func (pa *peerAuthentication) wide() bool {
	return pa.Spec.Selector == nil || len(pa.Spec.Selector.MatchLabels) == 0
}

// istioMTLS is the effective mTLS mode of a namespace, with the policy it
// comes from.
type istioMTLS struct {
	mode string
	// from is the PeerAuthentication that sets it ("namespace/name"), ""
	// for Istio's default (PERMISSIVE).
	from string
	// created is when that policy was created, zero when not known.
	created metav1.Time
}

// istioNamespaceMTLS resolves the mTLS mode of namespace ns as Istio does:
// a namespace-wide PeerAuthentication in ns, else the mesh-wide one in the
// root namespace, else PERMISSIVE. UNSET inherits. When a namespace holds
// several namespace-wide policies Istio uses the oldest: a live scan knows
// their creation times; from files, the first loaded counts.
func istioNamespaceMTLS(inv *inventory.Inventory, ns string) istioMTLS {
	wide := istioWidePeerAuthentications(inv)
	if m, ok := wide[ns]; ok && m.mode != "UNSET" {
		return m
	}
	if m, ok := wide[istioRoot(inv)]; ok && m.mode != "UNSET" {
		return m
	}
	return istioMTLS{mode: "PERMISSIVE"}
}

type istioWideKey struct{}

// istioRoot returns the mesh's root namespace: rootNamespace in the mesh
// configuration istiod reads (the ConfigMap istio, else istio-REVISION,
// key mesh), that ConfigMap's namespace when it names none (istiod's own,
// Istio's default), or istio-system when the scan holds no mesh
// configuration.
func istioRoot(inv *inventory.Inventory) string {
	return inv.Derived(istioRootKey{}, func(inv *inventory.Inventory) any {
		var found *inventory.Item[corev1.ConfigMap]
		for i := range inv.ConfigMaps {
			cm := &inv.ConfigMaps[i]
			if !inventory.IsIstioMeshConfig(cm.Value) {
				continue
			}
			if found == nil || (cm.Name() == "istio" && found.Name() != "istio") {
				found = cm
			}
		}
		if found == nil {
			return istioRootNamespace
		}
		var mesh struct {
			RootNamespace string `json:"rootNamespace"`
		}
		if yaml.Unmarshal([]byte(found.Value.Data["mesh"]), &mesh) == nil && mesh.RootNamespace != "" {
			return mesh.RootNamespace
		}
		return found.Namespace()
	}).(string)
}

type istioRootKey struct{}

// istioWidePeerAuthentications returns, by namespace, the first
// PeerAuthentication without a selector.
func istioWidePeerAuthentications(inv *inventory.Inventory) map[string]istioMTLS {
	return inv.Derived(istioWideKey{}, func(inv *inventory.Inventory) any {
		out := map[string]istioMTLS{}
		for _, obj := range inv.Objects {
			if !meshKind(obj, "security.istio.io", "PeerAuthentication") {
				continue
			}
			var pa peerAuthentication
			if !decodeMesh(obj, &pa) || !pa.wide() {
				continue
			}
			// Istio applies the oldest of several; objects read from files
			// have no creation time, and the first loaded counts.
			created := obj.Meta.CreationTimestamp
			if prev, seen := out[obj.Namespace()]; !seen || (!created.IsZero() && !prev.created.IsZero() && created.Before(&prev.created)) {
				out[obj.Namespace()] = istioMTLS{mode: pa.mode(), from: obj.Namespace() + "/" + obj.Name(), created: created}
			}
		}
		return out
	}).(map[string]istioMTLS)
}

// systemNamespace reports whether ns is one of Kubernetes' own namespaces,
// which no mesh injects its proxy into.
func systemNamespace(ns string) bool {
	return ns == "kube-system" || ns == "kube-public" || ns == "kube-node-lease"
}
