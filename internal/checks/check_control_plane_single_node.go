package checks

// A control plane on a single node loses the API server, the scheduler and
// the controllers — and with a stacked etcd, the cluster's state — when that
// node fails.
//
// Inspected: Node objects labelled node-role.kubernetes.io/control-plane
// (or the legacy node-role.kubernetes.io/master).
// Allowed: two or more control-plane nodes (three for a stacked etcd
// quorum). A cluster whose control plane is not visible as nodes (a managed
// service) is not judged.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "control-plane-single-node",
			Title:       "Single control-plane node",
			Category:    check.DenialOfService,
			Topic:       check.TopicCluster,
			Severity:    check.High,
			Description: "The cluster has exactly one control-plane node. When it fails or is taken down, the API server, scheduler and controllers stop, and with a stacked etcd the cluster state has no replica.",
			Remediation: "Run at least three control-plane nodes, spread over failure zones, behind a load-balanced API endpoint.",
			References: []string{
				"https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/",
				"https://kubernetes.io/docs/tasks/administer-cluster/highly-available-control-plane/",
			},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			cp := controlPlaneNodes(inv)
			if len(cp) != 1 {
				return nil
			}
			n := cp[0]
			return []check.Finding{{
				Object: n.Object,
				Path:   "metadata.labels",
				Reason: "single control-plane node",
				Detail: fmt.Sprintf("the cluster must have more than one control-plane node (node %q is the only one)", n.Name()),
			}}
		},
	})
}
