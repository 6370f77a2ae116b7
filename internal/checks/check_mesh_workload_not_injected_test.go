package checks

import "testing"

func TestMeshWorkloadNotInjected(t *testing.T) {
	ns := func(name, meta string) string {
		return "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", " + meta + "}\n"
	}
	pod := func(namespace, meta, spec string) string {
		return "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: " + namespace + ", " + meta + "}\nspec: {" + spec + "containers: [{name: app, image: registry.example.com/app:1.0.0}]}\n"
	}
	const istio = "---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\nspec: {mtls: {mode: STRICT}}\n"
	const linkerd = "---\napiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: s, namespace: linkerd}\nspec: {port: http, podSelector: {matchLabels: {app: x}}}\n"
	outside := func(namespace, why string) finding {
		return finding{Object: "Pod " + namespace + "/p", Path: "metadata.labels", Reason: "workload outside the mesh",
			Detail: "pod must run in the service mesh (" + why + "), or mutual TLS does not protect it"}
	}
	const istioNotLabelled = "the namespace is not labelled for Istio's injection (istio-injection=enabled, istio.io/rev or istio.io/dataplane-mode=ambient)"
	const linkerdNotAnnotated = "the namespace is not annotated for Linkerd's injection (linkerd.io/inject: enabled)"
	runCases(t, "mesh-workload-not-injected", []checkCase{{
		name:     "the pod's own label injects it",
		manifest: istio + ns("a", "labels: {}") + pod("a", `labels: {sidecar.istio.io/inject: "true"}`, ""),
	}, {
		name:     "the deprecated annotation opts out too",
		manifest: istio + ns("a", "labels: {istio-injection: enabled}") + pod("a", `annotations: {sidecar.istio.io/inject: "false"}`, ""),
		want:     []finding{outside("a", "its pods opt out of Istio's injection: sidecar.istio.io/inject=false")},
	}, {
		name:     "a disabled namespace wins over the pod",
		manifest: istio + ns("a", "labels: {istio-injection: disabled}") + pod("a", `labels: {sidecar.istio.io/inject: "true"}`, ""),
		want:     []finding{outside("a", "the namespace disables Istio's injection: istio-injection=disabled")},
	}, {
		name:     "ambient, and a pod opting out of it",
		manifest: istio + ns("a", "labels: {istio.io/dataplane-mode: ambient}") + pod("a", "labels: {istio.io/dataplane-mode: none}", ""),
		want:     []finding{outside("a", "its pods opt out of Istio's ambient mode: istio.io/dataplane-mode=none")},
	}, {
		name:     "no Namespace object: its labels are unknown",
		manifest: istio + pod("a", "labels: {}", ""),
	}, {
		name:     "host-network pods and the meshes' own namespaces are not judged",
		manifest: istio + ns("a", "labels: {}") + pod("a", "labels: {}", "hostNetwork: true, ") + ns("istio-system", "labels: {}") + pod("istio-system", "labels: {}", ""),
	}, {
		name:     "Linkerd: the namespace annotation",
		manifest: linkerd + ns("a", "annotations: {linkerd.io/inject: enabled}") + pod("a", "labels: {}", "") + ns("b", "annotations: {}") + pod("b", "labels: {}", ""),
		want:     []finding{outside("b", linkerdNotAnnotated)},
	}, {
		name:     "Linkerd: a pod opting out",
		manifest: linkerd + ns("a", "annotations: {linkerd.io/inject: enabled}") + pod("a", "annotations: {linkerd.io/inject: disabled}", ""),
		want:     []finding{outside("a", "its pods opt out of Linkerd's injection: linkerd.io/inject=disabled")},
	}, {
		name:     "both meshes: either one covers it, neither says both",
		manifest: istio + linkerd + ns("a", "annotations: {linkerd.io/inject: enabled}") + pod("a", "labels: {}", "") + ns("b", "labels: {}") + pod("b", "labels: {}", ""),
		want:     []finding{outside("b", istioNotLabelled+"; "+linkerdNotAnnotated)},
	}})
}
