package checks

// Linkerd's proxy admits inbound traffic that no Server covers by its
// default inbound policy, set at install (proxy.defaultInboundPolicy,
// all-unauthenticated unless changed) and overridden by the
// config.linkerd.io/default-inbound-policy annotation on a namespace or a
// pod. all-unauthenticated and cluster-unauthenticated let callers without
// a mesh identity in (the first from anywhere), and audit only logs what
// deny would refuse: the proxy then authenticates nobody it has to.
//
// Inspected fields: metadata.annotations["config.linkerd.io/default-inbound-policy"]
// of the Namespace objects and of the workloads' pod templates, and
// metadata.annotations["linkerd.io/inject"] of the Namespace objects.
// Allowed values: all-authenticated, cluster-authenticated or deny. A
// namespace annotated linkerd.io/inject: enabled without a default policy
// of its own is reported as low: it inherits the installation's default,
// which the objects do not show.
//
// It runs only when the scan shows Linkerd (see meshInstalled).

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

// linkerdDefaultPolicy is the annotation that sets Linkerd's default
// inbound policy.
const linkerdDefaultPolicy = "config.linkerd.io/default-inbound-policy"

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "linkerd-default-policy-unauthenticated",
			Title:       "Linkerd default inbound policy admits unauthenticated callers",
			Category:    check.Spoofing,
			Topic:       check.TopicNamespaces,
			Severity:    check.Medium,
			Description: "A namespace or pod whose config.linkerd.io/default-inbound-policy is all-unauthenticated, cluster-unauthenticated or audit lets callers without a mesh identity reach every port no Server covers. A meshed namespace without the annotation inherits the installation default (proxy.defaultInboundPolicy, all-unauthenticated unless changed), which kubestride cannot see in the objects.",
			Remediation: "Set config.linkerd.io/default-inbound-policy to all-authenticated, cluster-authenticated or deny on the namespace (and remove weaker values from pods), then allow specific callers with Server and AuthorizationPolicy objects.",
			References:  []string{refLinkerdPolicy, refLinkerdFeatures},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			if !meshInstalled(inv).linkerd {
				return nil
			}
			var out []check.Finding
			for _, ns := range inv.Namespaces {
				a := ns.Value.Annotations
				v, set := a[linkerdDefaultPolicy]
				noun := namespaceNoun(ns.Name())
				switch {
				case set && linkerdUnauthenticated(v):
					out = append(out, check.Finding{
						Object: ns.Object,
						Path:   fieldpath.Key("metadata.annotations", linkerdDefaultPolicy),
						Reason: "unauthenticated default policy",
						Detail: noun + " must not set " + linkerdDefaultPolicy + "=" + v + " (" + linkerdPolicyEffect(v) + ")",
					})
				case !set && a["linkerd.io/inject"] == "enabled":
					out = append(out, check.Finding{
						Object:   ns.Object,
						Path:     "metadata.annotations",
						Reason:   "unauthenticated default policy",
						Detail:   noun + " must set " + linkerdDefaultPolicy + " to all-authenticated, cluster-authenticated or deny (it is meshed and inherits the installation default, all-unauthenticated unless changed)",
						Severity: check.Low,
					})
				}
			}
			for _, w := range inv.Workloads {
				v, set := w.PodMeta.Annotations[linkerdDefaultPolicy]
				if !set || !linkerdUnauthenticated(v) {
					continue
				}
				noun := "pod template"
				if w.MetaPath == "metadata" {
					noun = "pod"
				}
				out = append(out, check.Finding{
					Object: w.Object,
					Path:   fieldpath.Key(fieldpath.Join(w.MetaPath, "annotations"), linkerdDefaultPolicy),
					Reason: "unauthenticated default policy",
					Detail: noun + " must not set " + linkerdDefaultPolicy + "=" + v + " (" + linkerdPolicyEffect(v) + ")",
				})
			}
			return out
		},
	})
}

// linkerdUnauthenticated reports whether a default inbound policy admits
// callers without a mesh identity.
func linkerdUnauthenticated(v string) bool {
	return v == "all-unauthenticated" || v == "cluster-unauthenticated" || v == "audit"
}

// linkerdPolicyEffect says what a weak default inbound policy lets in.
func linkerdPolicyEffect(v string) string {
	switch v {
	case "cluster-unauthenticated":
		return "it admits callers without a mesh identity from the cluster's networks"
	case "audit":
		return "it only logs the unauthenticated requests deny would refuse"
	}
	return "it admits callers without a mesh identity from anywhere"
}
