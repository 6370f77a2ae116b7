package checks

// Where a namespace limits egress with NetworkPolicies, a rule that lets
// the selected pods reach any address on the ports registries serve lets
// them pull tools from any registry and push data, or a stolen image, to
// one the attacker owns. (A namespace without egress policies is open on
// every port; namespace-default-deny-missing and the other network checks
// cover it.)
//
// Inspected fields: NetworkPolicy spec.policyTypes (Egress, or egress
// rules with policyTypes empty), spec.podSelector, spec.egress[*].to
// (ipBlock.cidr, ipBlock.except and the selectors), spec.egress[*].ports
// (protocol, port, endPort).
// Allowed values: every egress rule either names its destinations (pod or
// namespace selectors, or an ipBlock narrower than 0.0.0.0/0 and ::/0, or
// one with except) or opens none of the registry ports 443 and 5000 over
// TCP. A named port is not judged: an address outside the cluster has no
// port names.
//
// What the objects cannot say: which addresses are registries (a
// registry on another port, or one reached through a proxy, is not seen),
// and whether an egress gateway or a firewall outside the cluster limits
// the traffic further.

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

// registryPorts are the ports container registries serve on: HTTPS, and
// the registry's own default.
var registryPorts = []int32{443, 5000}

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "registry-egress-unrestricted",
			Title:       "Egress NetworkPolicy allows any registry",
			Category:    check.InformationDisclosure,
			Topic:       check.TopicNamespaces,
			Severity:    check.Low,
			Description: "An egress NetworkPolicy rule lets the pods it selects reach any address on a port registries serve (443 or 5000), so they can push data or images to any registry and pull from any. Only policies that limit egress are judged; which addresses are registries, and what an egress gateway or firewall outside the cluster allows, is not in the objects.",
			Remediation: "Replace the rule's open destination with ipBlock CIDRs of the registries (or a proxy) the pods need, or with selectors of the in-cluster registry.",
			References: []string{
				refNetworkPolicy,
				refNetworkPolicy + "#networkpolicy-resource",
				refHardening,
			},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, np := range inv.NetworkPolicies {
				out = append(out, registryEgressFindings(np)...)
			}
			return out
		},
	})
}

func registryEgressFindings(np inventory.Item[networkingv1.NetworkPolicy]) []check.Finding {
	spec := &np.Value.Spec
	if !policyHasType(spec, networkingv1.PolicyTypeEgress) {
		return nil
	}
	var out []check.Finding
	for i, rule := range spec.Egress {
		rulePath := fieldpath.Index("spec.egress", i)
		dest, path := anyAddress(rule.To, rulePath)
		if dest == "" {
			continue
		}
		ports := openRegistryPorts(rule.Ports)
		if len(ports) == 0 {
			continue
		}
		on := "on every port"
		if len(rule.Ports) > 0 {
			on = "on " + pluralize("port", "ports", len(ports)) + " " + joinPorts(ports)
		}
		out = append(out, check.Finding{
			Object: np.Object,
			Path:   path,
			Reason: "egress to any registry",
			Detail: fmt.Sprintf("NetworkPolicy %q egress rule %d must not allow %s %s (registries serve on 443 and 5000); allow the registries the pods need",
				np.Name(), i, dest, on),
		})
	}
	return out
}

// anyAddress says whether peers admit every address: no peer at all, or an
// ipBlock of 0.0.0.0/0 or ::/0 without except. It returns how to word the
// destination and the path of the field that opens it.
func anyAddress(peers []networkingv1.NetworkPolicyPeer, rulePath string) (string, string) {
	if len(peers) == 0 {
		return "every destination", rulePath
	}
	for j, p := range peers {
		if b := p.IPBlock; b != nil && len(b.Except) == 0 && (b.CIDR == "0.0.0.0/0" || b.CIDR == "::/0") {
			return "every address (" + b.CIDR + ")", fieldpath.Join(fieldpath.Index(fieldpath.Join(rulePath, "to"), j), "ipBlock.cidr")
		}
	}
	return "", ""
}

// openRegistryPorts returns the registry ports that ports open over TCP:
// all of them when the list is empty.
func openRegistryPorts(ports []networkingv1.NetworkPolicyPort) []int32 {
	if len(ports) == 0 {
		return registryPorts
	}
	var out []int32
	for _, rp := range registryPorts {
		for _, p := range ports {
			if p.Protocol != nil && *p.Protocol != corev1.ProtocolTCP {
				continue
			}
			if p.Port == nil {
				out = append(out, rp) // every port of the protocol
				break
			}
			if p.Port.Type != 0 { // a named port: no address outside the cluster has it
				continue
			}
			lo, hi := p.Port.IntVal, p.Port.IntVal
			if p.EndPort != nil && *p.EndPort > lo {
				hi = *p.EndPort
			}
			if rp >= lo && rp <= hi {
				out = append(out, rp)
				break
			}
		}
	}
	return out
}

func joinPorts(ps []int32) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(p)
	}
	return s
}
