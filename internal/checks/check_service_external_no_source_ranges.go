package checks

// A Service of type LoadBalancer with no source ranges is reachable from the
// whole internet, as is one whose ranges include a /0 prefix. A Service of
// type NodePort opens its ports on every node of the cluster, to whatever can
// reach a node.
//
// Inspected fields:
//   Service spec.type
//   Service spec.loadBalancerSourceRanges, or, when it is empty, the
//   metadata.annotations["service.beta.kubernetes.io/load-balancer-source-ranges"]
//   that cloud providers read instead
//   Service spec.ports[*].nodePort (named in the detail)
// Allowed values: type ClusterIP or ExternalName; type LoadBalancer with
// source ranges none of which is a /0 prefix (0.0.0.0/0, ::/0).

import (
	"net/netip"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "service-external-no-source-ranges",
			Title:       "Service exposed outside the cluster without source ranges",
			Category:    check.InformationDisclosure,
			Topic:       check.TopicObjects,
			Severity:    check.Medium,
			Description: "A LoadBalancer Service without loadBalancerSourceRanges, or with a range such as 0.0.0.0/0, accepts connections from any address the load balancer can be reached from, usually the whole internet. A NodePort Service opens its ports on every node of the cluster.",
			Remediation: "Set spec.loadBalancerSourceRanges on LoadBalancer Services to the networks that need access, and replace NodePort Services with ClusterIP Services behind an Ingress, Gateway or LoadBalancer.",
			References:  []string{"https://kubernetes.io/docs/concepts/services-networking/service/#type-loadbalancer", "https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/", "https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, s := range inv.Services {
				out = append(out, serviceExternalNoSourceRanges(s)...)
			}
			return out
		},
	})
}

func serviceExternalNoSourceRanges(s inventory.Item[corev1.Service]) []check.Finding {
	spec := &s.Value.Spec
	noun := "service " + strconv.Quote(s.Name())
	switch spec.Type {
	case corev1.ServiceTypeLoadBalancer:
		return loadBalancerOpen(s, noun)
	case corev1.ServiceTypeNodePort:
		var ports []string
		for _, p := range spec.Ports {
			if p.NodePort != 0 {
				ports = append(ports, strconv.Itoa(int(p.NodePort)))
				continue
			}
			port := strconv.Itoa(int(p.Port))
			if p.Name != "" {
				port = strconv.Quote(p.Name)
			}
			ports = append(ports, "auto-allocated for port "+port)
		}
		detail := noun + " of type NodePort must not expose node ports on every node"
		if len(ports) > 0 {
			detail += " (" + strings.Join(ports, ", ") + ")"
		}
		return []check.Finding{{
			Object: s.Object,
			Path:   "spec.type",
			Reason: "service exposed on every node",
			Detail: detail,
		}}
	}
	return nil
}

func loadBalancerOpen(s inventory.Item[corev1.Service], noun string) []check.Finding {
	ranges, where := s.Value.Spec.LoadBalancerSourceRanges, "spec.loadBalancerSourceRanges"
	path := func(i int) string { return fieldpath.Index(where, i) }
	if len(ranges) == 0 {
		if v := strings.TrimSpace(s.Value.Annotations[corev1.AnnotationLoadBalancerSourceRangesKey]); v != "" {
			ranges = strings.Split(v, ",")
			where = "the " + corev1.AnnotationLoadBalancerSourceRangesKey + " annotation"
			annotation := fieldpath.Key("metadata.annotations", corev1.AnnotationLoadBalancerSourceRangesKey)
			path = func(int) string { return annotation }
		}
	}
	if len(ranges) == 0 {
		return []check.Finding{{
			Object: s.Object,
			Path:   "spec",
			Reason: "load balancer open to any source",
			Detail: noun + " of type LoadBalancer must set spec.loadBalancerSourceRanges",
		}}
	}
	var open []string
	first := -1
	for i, r := range ranges {
		r = strings.TrimSpace(r)
		if p, err := netip.ParsePrefix(r); err == nil && p.Bits() == 0 {
			open = append(open, r)
			if first < 0 {
				first = i
			}
		}
	}
	if len(open) == 0 {
		return nil
	}
	return []check.Finding{{
		Object: s.Object,
		Path:   path(first),
		Reason: "load balancer open to any source",
		Detail: noun + " of type LoadBalancer must not allow " + joinQuote(open) + " in " + where,
	}}
}
