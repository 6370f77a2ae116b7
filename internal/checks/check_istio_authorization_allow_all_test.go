package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestIstioAuthorizationAllowAll(t *testing.T) {
	ap := func(ns, spec string) string {
		return "apiVersion: security.istio.io/v1beta1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: " + ns + "}\nspec: " + spec + "\n"
	}
	const sel = "selector: {matchLabels: {app: httpbin}}, "
	runCases(t, "istio-authorization-allow-all", []checkCase{{
		name:     "allow nothing",
		manifest: ap("foo", "{}"),
	}, {
		name:     "deny all is not judged",
		manifest: ap("foo", "{action: DENY, rules: [{}]}"),
	}, {
		name:     "empty rule mesh-wide",
		manifest: ap("istio-system", "{rules: [{}]}"),
		want: []finding{{Object: "AuthorizationPolicy istio-system/p", Path: "spec.rules[0]", Reason: "authorization allows all",
			Detail: `AuthorizationPolicy "p" must name its callers in spec.rules[0].from (the rule allows every request to every workload of the mesh)`}},
	}, {
		name:     "no from but an operation",
		manifest: ap("foo", "{"+sel+"rules: [{from: [{source: {principals: [cluster.local/ns/default/sa/sleep]}}]}, {to: [{operation: {methods: [GET]}}]}]}"),
		want: []finding{{Object: "AuthorizationPolicy foo/p", Path: "spec.rules[1]", Reason: "authorization allows all", Severity: check.Medium,
			Detail: `AuthorizationPolicy "p" must name its callers in spec.rules[1].from (the rule allows every caller to its workloads (for the operations and conditions it lists))`}},
	}, {
		name:     "wildcard namespaces",
		manifest: ap("foo", "{action: ALLOW, rules: [{from: [{source: {namespaces: [test]}}, {source: {namespaces: ['*']}}]}]}"),
		want: []finding{{Object: "AuthorizationPolicy foo/p", Path: "spec.rules[0].from[1].source", Reason: "authorization allows all",
			Detail: `AuthorizationPolicy "p" must not allow every caller with "*" in spec.rules[0].from (the rule allows every request to every workload of namespace "foo")`}},
	}, {
		name:     "wildcard narrowed by notNamespaces",
		manifest: ap("foo", "{rules: [{from: [{source: {principals: ['*'], notNamespaces: [untrusted]}}]}]}"),
	}, {
		name:     "named callers",
		manifest: ap("foo", "{rules: [{from: [{source: {principals: [cluster.local/ns/default/sa/sleep]}}, {source: {namespaces: [test]}}]}]}"),
	}})
}
