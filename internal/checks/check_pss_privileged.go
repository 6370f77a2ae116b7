package checks

// Privileged containers disable most container isolation: the process sees
// every host device and holds every capability.
//
// Pod Security Standards control "privileged" (baseline).
// Restricted fields:
//   spec.containers[*].securityContext.privileged
//   spec.initContainers[*].securityContext.privileged
//   spec.ephemeralContainers[*].securityContext.privileged
// Allowed values: false, undefined/nil.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-privileged",
			Title:       "Privileged container",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Critical,
			Description: "A privileged container runs with every capability and access to all host devices, so a compromise of the container is a compromise of the node.",
			Remediation: "Remove securityContext.privileged or set it to false.",
			References:  []string{refPSS + "#baseline", refSecurityContext},
		},
		psaID: "privileged",
		locate: func(w *inventory.Workload) string {
			return firstContainer(w, "securityContext.privileged", func(c inventory.Container) bool {
				return c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged
			})
		},
	})
}
