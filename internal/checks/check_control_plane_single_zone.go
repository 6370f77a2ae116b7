package checks

// Control-plane nodes that all sit in one failure zone go down together
// when the zone does.
//
// Inspected: the topology.kubernetes.io/zone label (or the legacy
// failure-domain.beta.kubernetes.io/zone) of the control-plane nodes.
// Allowed: control-plane nodes in at least two zones. A single control-plane
// node is control-plane-single-node's finding, not this one's.

import (
	"fmt"
	"sort"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "control-plane-single-zone",
			Title:       "Control plane in a single zone",
			Category:    check.DenialOfService,
			Topic:       check.TopicCluster,
			Severity:    check.Medium,
			Description: "Every control-plane node is in the same failure zone, or no control-plane node says which zone it is in. An outage of that zone takes the whole control plane with it.",
			Remediation: "Spread the control-plane nodes over at least two (preferably three) zones and label them with topology.kubernetes.io/zone.",
			References: []string{
				"https://kubernetes.io/docs/setup/best-practices/multiple-zones/",
				"https://kubernetes.io/docs/reference/labels-annotations-taints/#topologykubernetesiozone",
			},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			cp := controlPlaneNodes(inv)
			if len(cp) < 2 {
				return nil
			}
			zones := map[string]bool{}
			for _, n := range cp {
				zones[nodeZone(n.Value)] = true
			}
			if len(zones) > 1 {
				return nil
			}
			var detail string
			if zones[""] {
				detail = fmt.Sprintf("control-plane nodes must be spread over zones (none of the %d sets %s)", len(cp), labelZone)
			} else {
				var names []string
				for z := range zones {
					names = append(names, z)
				}
				sort.Strings(names)
				detail = fmt.Sprintf("control-plane nodes must be spread over zones (all %d are in zone %q)", len(cp), names[0])
			}
			return []check.Finding{{
				Object: cp[0].Object,
				Path:   "metadata.labels",
				Reason: "control plane in one zone",
				Detail: detail,
			}}
		},
	})
}
