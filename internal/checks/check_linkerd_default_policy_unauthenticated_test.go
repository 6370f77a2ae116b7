package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestLinkerdDefaultPolicyUnauthenticated(t *testing.T) {
	ns := func(annotations string) string {
		return "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: emojivoto, annotations: {" + annotations + "}}\n"
	}
	pod := func(policy string) string {
		return "---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: emojivoto, annotations: {config.linkerd.io/default-inbound-policy: " + policy + "}}\nspec: {containers: [{name: web, image: registry.example.com/web:1.0.0}]}\n"
	}
	const meshed = "linkerd.io/inject: enabled"
	runCases(t, "linkerd-default-policy-unauthenticated", []checkCase{{
		name:     "no linkerd, no judgement",
		manifest: ns("config.linkerd.io/default-inbound-policy: all-unauthenticated"),
	}, {
		name:     "meshed namespace inherits the installation default",
		manifest: ns(meshed),
		want: []finding{{Object: "Namespace emojivoto", Path: "metadata.annotations", Reason: "unauthenticated default policy", Severity: check.Low,
			Detail: `namespace "emojivoto" must set config.linkerd.io/default-inbound-policy to all-authenticated, cluster-authenticated or deny (it is meshed and inherits the installation default, all-unauthenticated unless changed)`}},
	}, {
		name:     "audit namespace, deny pod",
		manifest: ns(meshed+", config.linkerd.io/default-inbound-policy: audit") + pod("deny"),
		want: []finding{{Object: "Namespace emojivoto", Path: `metadata.annotations["config.linkerd.io/default-inbound-policy"]`, Reason: "unauthenticated default policy",
			Detail: `namespace "emojivoto" must not set config.linkerd.io/default-inbound-policy=audit (it only logs the unauthenticated requests deny would refuse)`}},
	}, {
		name:     "pod overrides a deny namespace",
		manifest: ns(meshed+", config.linkerd.io/default-inbound-policy: deny") + pod("all-unauthenticated"),
		lines:    true,
		want: []finding{{Object: "Pod emojivoto/web", Path: `metadata.annotations["config.linkerd.io/default-inbound-policy"]`, Reason: "unauthenticated default policy", Line: 8,
			Detail: `pod must not set config.linkerd.io/default-inbound-policy=all-unauthenticated (it admits callers without a mesh identity from anywhere)`}},
	}, {
		name:     "authenticated values pass",
		manifest: ns(meshed+", config.linkerd.io/default-inbound-policy: cluster-authenticated") + pod("all-authenticated"),
	}})
}
