package checks

import "testing"

func TestIstioAuthorizationDefaultDenyMissing(t *testing.T) {
	ns := func(name string) string {
		return "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + "}\n"
	}
	obj := func(kind, ns, name, spec string) string {
		return "---\napiVersion: security.istio.io/v1\nkind: " + kind + "\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec: " + spec + "\n"
	}
	strict := obj("PeerAuthentication", "istio-system", "default", "{mtls: {mode: STRICT}}")
	missing := func(name string) finding {
		return finding{Object: "Namespace " + name, Path: "metadata", Reason: "no deny-by-default authorization",
			Detail: `namespace "` + name + `" must have an allow-nothing AuthorizationPolicy (spec: {}) or be covered by one in istio-system (it requires mutual TLS, but every authenticated caller may reach every service in it)`}
	}
	runCases(t, "istio-authorization-default-deny-missing", []checkCase{{
		name:     "permissive namespace is left to the mTLS check",
		manifest: ns("foo") + obj("PeerAuthentication", "foo", "default", "{mtls: {mode: PERMISSIVE}}"),
	}, {
		name:     "strict without policies",
		manifest: ns("foo") + ns("bar") + strict + obj("AuthorizationPolicy", "bar", "allow-nothing", "{}"),
		want:     []finding{missing("foo")},
	}, {
		name:     "mesh-wide allow nothing",
		manifest: ns("foo") + strict + obj("AuthorizationPolicy", "istio-system", "allow-nothing", "{action: ALLOW}"),
	}, {
		name:     "a selector or rules do not make a default",
		manifest: ns("foo") + strict + obj("AuthorizationPolicy", "foo", "a", "{selector: {matchLabels: {app: x}}}") + obj("AuthorizationPolicy", "foo", "b", "{rules: [{from: [{source: {namespaces: [test]}}]}]}"),
		want:     []finding{missing("foo")},
	}})
}
