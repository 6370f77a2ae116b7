package checks

import "testing"

func TestMeshNotInstalled(t *testing.T) {
	const ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
	const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.example.com/web:1.0.0}]}
`
	const detail = "requests between workloads must be authenticated with mutual TLS and authorized per caller, but the scan shows no service mesh (Istio or Linkerd)"
	on := func(obj string) []finding {
		return []finding{{Object: obj, Path: "metadata", Reason: "no service mesh", Detail: detail}}
	}
	runCases(t, "mesh-not-installed", []checkCase{
		{name: "nothing to protect", manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n"},
		{name: "one finding on the first workload", manifest: ns + "---\n" + deploy + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n", want: on("Deployment shop/web")},
		{name: "on the first namespace when no workload", manifest: ns + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n", want: on("Namespace shop")},
		{name: "istio policy object", manifest: ns + "---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\nspec: {mtls: {mode: STRICT}}\n"},
		{name: "istio CRD", manifest: ns + "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: peerauthentications.security.istio.io}\nspec: {group: security.istio.io, scope: Namespaced, names: {kind: PeerAuthentication, plural: peerauthentications}, versions: []}\n"},
		{name: "istiod deployment", manifest: ns + "---\n" + `apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system}
spec:
  selector: {matchLabels: {app: istiod}}
  template:
    metadata: {labels: {app: istiod}}
    spec: {containers: [{name: discovery, image: docker.io/istio/pilot:1.24.0}]}
`},
		{name: "linkerd injection annotation", manifest: "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, annotations: {linkerd.io/inject: enabled}}\n"},
		{name: "istio revision label", manifest: "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio.io/rev: canary}}\n"},
	})
}
