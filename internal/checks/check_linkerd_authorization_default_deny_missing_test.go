package checks

import "testing"

func TestLinkerdAuthorizationDefaultDenyMissing(t *testing.T) {
	ns := func(name, policy string) string {
		return "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", annotations: {linkerd.io/inject: enabled, config.linkerd.io/default-inbound-policy: " + policy + "}}\n"
	}
	authz := func(kind, version, namespace string) string {
		return "---\napiVersion: policy.linkerd.io/" + version + "\nkind: " + kind + "\nmetadata: {name: a, namespace: " + namespace + "}\nspec: {}\n"
	}
	missing := func(name, policy string) finding {
		return finding{Object: "Namespace " + name, Path: `metadata.annotations["config.linkerd.io/default-inbound-policy"]`, Reason: "no deny-by-default authorization",
			Detail: `namespace "` + name + `" must set config.linkerd.io/default-inbound-policy=deny or hold an AuthorizationPolicy (its default ` + policy + ` lets every meshed workload call every port of its pods)`}
	}
	runCases(t, "linkerd-authorization-default-deny-missing", []checkCase{{
		name:     "no linkerd, no judgement",
		manifest: "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a, annotations: {config.linkerd.io/default-inbound-policy: all-authenticated}}\n",
		want:     nil,
	}, {
		name:     "each namespace on its own policies",
		manifest: ns("a", "all-authenticated") + ns("b", "cluster-authenticated") + authz("AuthorizationPolicy", "v1alpha1", "b"),
		want:     []finding{missing("a", "all-authenticated")},
	}, {
		name:     "a ServerAuthorization counts",
		manifest: ns("a", "cluster-authenticated") + authz("ServerAuthorization", "v1beta1", "a"),
	}, {
		name:     "a policy in another namespace does not",
		manifest: ns("a", "cluster-authenticated") + authz("AuthorizationPolicy", "v1alpha1", "other"),
		want:     []finding{missing("a", "cluster-authenticated")},
	}, {
		name:     "deny and the unauthenticated defaults are not this check's",
		manifest: ns("a", "deny") + ns("b", "all-unauthenticated") + ns("c", "audit"),
	}})
}
