package checks

// A hostPort binds a container port on the node's own network interfaces.
// It exposes the container outside any Service or NetworkPolicy, and lets
// it take over a port on the node that another service expects.
//
// Pod Security Standards control "hostPorts" (baseline).
// Restricted fields:
//   spec.containers[*].ports[*].hostPort
//   spec.initContainers[*].ports[*].hostPort
//   spec.ephemeralContainers[*].ports[*].hostPort
// Allowed values: undefined, 0.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-host-ports",
			Title:       "Host port used",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A container port with a hostPort is published on the node's network interfaces, where NetworkPolicies do not guard it. It can also claim a node port that another component relies on.",
			Remediation: "Remove hostPort from container ports and expose the workload through a Service.",
			References:  []string{refPSS + "#baseline", refConfigOverview},
		},
		psaID: "hostPorts",
		locate: func(w *inventory.Workload) string {
			for _, c := range w.Containers() {
				for j, p := range c.Ports {
					if p.HostPort != 0 {
						return fieldpath.Join(fieldpath.Index(c.Field("ports"), j), "hostPort")
					}
				}
			}
			return ""
		},
	})
}
