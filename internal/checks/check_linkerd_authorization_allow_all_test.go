package checks

import "testing"

func TestLinkerdAuthorizationAllowAll(t *testing.T) {
	obj := func(kind, version, name, spec string) string {
		return "---\napiVersion: policy.linkerd.io/" + version + "\nkind: " + kind + "\nmetadata: {name: " + name + ", namespace: booksapp}\nspec: " + spec + "\n"
	}
	policy := func(refs string) string {
		return obj("AuthorizationPolicy", "v1alpha1", "p", "{targetRef: {group: policy.linkerd.io, kind: Server, name: authors}, requiredAuthenticationRefs: ["+refs+"]}")
	}
	net := func(name, networks string) string {
		return obj("NetworkAuthentication", "v1alpha1", name, "{networks: ["+networks+"]}")
	}
	mtls := func(name, ids string) string {
		return obj("MeshTLSAuthentication", "v1alpha1", name, "{identities: ["+ids+"]}")
	}
	const nref, mref = "{name: all, kind: NetworkAuthentication, group: policy.linkerd.io}", "{name: m, kind: MeshTLSAuthentication, group: policy.linkerd.io}"
	allows := func(path, detail string) []finding {
		return []finding{{Object: "AuthorizationPolicy booksapp/p", Path: path, Reason: "authorization allows all", Detail: detail}}
	}
	runCases(t, "linkerd-authorization-allow-all", []checkCase{{
		name:     "no refs",
		manifest: policy(""),
		want:     allows("spec", `AuthorizationPolicy "p" must set spec.requiredAuthenticationRefs (without them it allows every client to Server "authors")`),
	}, {
		name:     "ipv6 everywhere",
		manifest: policy(nref) + net("all", "{cidr: '::/0'}"),
		want:     allows("spec.requiredAuthenticationRefs[0]", `AuthorizationPolicy "p" must require an authentication that names its clients (NetworkAuthentication "all" admits every address (::/0) without a mesh identity, so every client may reach Server "authors")`),
	}, {
		name:     "everywhere with exceptions",
		manifest: policy(nref) + net("all", "{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}"),
	}, {
		name:     "any identity together with any network",
		manifest: policy(mref+", "+nref) + mtls("m", "'*'") + net("all", "{cidr: 0.0.0.0/0}"),
		want:     allows("spec.requiredAuthenticationRefs[0]", `AuthorizationPolicy "p" must require an authentication that names its clients (MeshTLSAuthentication "m" admits every mesh identity ("*"); NetworkAuthentication "all" admits every address (0.0.0.0/0) without a mesh identity, so every client may reach Server "authors")`),
	}, {
		name:     "any network but named identities: both are required",
		manifest: policy(mref+", "+nref) + mtls("m", "web.booksapp.serviceaccount.identity.linkerd.cluster.local") + net("all", "{cidr: 0.0.0.0/0}"),
	}, {
		name:     "authentication not in the scan is not judged",
		manifest: policy(mref),
	}})
}
