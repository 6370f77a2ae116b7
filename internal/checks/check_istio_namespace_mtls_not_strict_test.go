package checks

import (
	"strings"
	"testing"
)

func TestIstioNamespaceMTLSNotStrict(t *testing.T) {
	ns := func(name string) string {
		return "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + "}\n"
	}
	pa := func(ns, name, spec string) string {
		return "---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec: " + spec + "\n"
	}
	notStrict := func(name, why string) finding {
		return finding{Object: "Namespace " + name, Path: "metadata", Reason: "mutual TLS not enforced",
			Detail: `namespace "` + name + `" must be covered by a PeerAuthentication with spec.mtls.mode=STRICT (` + why + ")"}
	}
	meshConfig := func(namespace, name, mesh string) string {
		return "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + ", namespace: " + namespace + "}\ndata:\n  mesh: |\n    " + strings.ReplaceAll(mesh, "\n", "\n    ") + "\n"
	}
	const istiod = "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: foo, labels: {istio-injection: enabled}}\n"
	runCases(t, "istio-namespace-mtls-not-strict", []checkCase{{
		name:     "no istio, no judgement",
		manifest: ns("foo"),
	}, {
		name:     "istio default is permissive; system namespaces skipped",
		manifest: istiod + ns("kube-system"),
		want:     []finding{notStrict("foo", "no PeerAuthentication covers it and Istio's default is PERMISSIVE")},
	}, {
		name:     "mesh-wide strict covers all",
		manifest: ns("foo") + ns("bar") + pa("istio-system", "default", "{mtls: {mode: STRICT}}"),
	}, {
		name:     "namespace permissive overrides mesh strict",
		manifest: ns("foo") + ns("bar") + pa("istio-system", "default", "{mtls: {mode: STRICT}}") + pa("bar", "default", "{mtls: {mode: PERMISSIVE}}"),
		want:     []finding{notStrict("bar", `PeerAuthentication "bar/default" sets mode PERMISSIVE`)},
	}, {
		name:     "mesh-wide disable; namespace strict wins",
		manifest: ns("foo") + ns("bar") + pa("istio-system", "default", "{mtls: {mode: DISABLE}}") + pa("bar", "default", "{mtls: {mode: STRICT}}"),
		want:     []finding{notStrict("foo", `PeerAuthentication "istio-system/default" sets mode DISABLE`)},
	}, {
		name:     "a workload policy does not cover the namespace",
		manifest: ns("foo") + pa("foo", "finance", "{selector: {matchLabels: {app: finance}}, mtls: {mode: STRICT}}"),
		want:     []finding{notStrict("foo", "no PeerAuthentication covers it and Istio's default is PERMISSIVE")},
	}, {
		name:     "the first namespace-wide policy counts",
		manifest: ns("foo") + pa("foo", "a", "{mtls: {mode: STRICT}}") + pa("foo", "b", "{mtls: {mode: PERMISSIVE}}"),
	}, {
		name: "with creation times, the oldest counts",
		manifest: ns("foo") +
			"---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: a, namespace: foo, creationTimestamp: \"2026-05-02T00:00:00Z\"}\nspec: {mtls: {mode: STRICT}}\n" +
			"---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: b, namespace: foo, creationTimestamp: \"2026-05-01T00:00:00Z\"}\nspec: {mtls: {mode: PERMISSIVE}}\n",
		want: []finding{notStrict("foo", `PeerAuthentication "foo/b" sets mode PERMISSIVE`)},
	}, {
		name: "the mesh configuration names the root namespace",
		manifest: ns("foo") + meshConfig("istio-system", "istio", "rootNamespace: istio-config\ndefaultConfig: {discoveryAddress: istiod.istio-system.svc:15012}") +
			pa("istio-system", "default", "{mtls: {mode: STRICT}}"),
		want: []finding{notStrict("foo", "no PeerAuthentication covers it and Istio's default is PERMISSIVE")},
	}, {
		name:     "a STRICT policy in the configured root namespace covers the mesh",
		manifest: ns("foo") + meshConfig("istio-system", "istio", "rootNamespace: istio-config") + pa("istio-config", "default", "{mtls: {mode: STRICT}}"),
	}, {
		name:     "without rootNamespace, the root is istiod's namespace",
		manifest: ns("foo") + meshConfig("istio-control", "istio", "trustDomain: cluster.local") + pa("istio-control", "default", "{mtls: {mode: STRICT}}"),
	}, {
		name:     "the default revision's configuration wins over another revision's",
		manifest: ns("foo") + meshConfig("istio-system", "istio-canary", "rootNamespace: canary-root") + meshConfig("istio-system", "istio", "rootNamespace: istio-system") + pa("istio-system", "default", "{mtls: {mode: STRICT}}"),
	}, {
		name:     "a ConfigMap named istio without mesh is not the mesh configuration",
		manifest: ns("foo") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: elsewhere}\ndata: {other: x}\n" + pa("istio-system", "default", "{mtls: {mode: STRICT}}"),
	}})
}
