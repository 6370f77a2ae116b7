package checks

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/inventory"
)

// Node labels that mark control-plane nodes and their zone.
const (
	labelControlPlane       = "node-role.kubernetes.io/control-plane"
	labelControlPlaneLegacy = "node-role.kubernetes.io/master"
	labelZone               = "topology.kubernetes.io/zone"
	labelZoneLegacy         = "failure-domain.beta.kubernetes.io/zone"
)

// controlPlaneNodes returns the nodes labelled as control-plane nodes, in
// inventory order.
func controlPlaneNodes(inv *inventory.Inventory) []inventory.Item[corev1.Node] {
	var out []inventory.Item[corev1.Node]
	for _, n := range inv.Nodes {
		l := n.Value.Labels
		if _, ok := l[labelControlPlane]; ok {
			out = append(out, n)
		} else if _, ok := l[labelControlPlaneLegacy]; ok {
			out = append(out, n)
		}
	}
	return out
}

// nodeZone returns a node's zone label, or "".
func nodeZone(n *corev1.Node) string {
	if z := n.Labels[labelZone]; z != "" {
		return z
	}
	return n.Labels[labelZoneLegacy]
}
