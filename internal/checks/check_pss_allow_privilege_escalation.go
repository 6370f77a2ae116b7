package checks

// A process that may gain more privileges than its parent (through a
// set-user-ID or set-group-ID binary, or file capabilities) can turn a
// foothold in the container into root inside it, and from there reach for
// the node.
//
// Pod Security Standards control "allowPrivilegeEscalation" (restricted,
// v1.8+; from v1.25 pods with spec.os.name=windows are exempt).
// Restricted fields:
//   spec.containers[*].securityContext.allowPrivilegeEscalation
//   spec.initContainers[*].securityContext.allowPrivilegeEscalation
//   spec.ephemeralContainers[*].securityContext.allowPrivilegeEscalation
// Allowed values: false (undefined is not allowed).

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-allow-privilege-escalation",
			Title:       "Privilege escalation allowed",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A container that does not set allowPrivilegeEscalation to false lets its processes gain privileges through set-user-ID binaries or file capabilities. An attacker who runs code in the container can use that to become root in it.",
			Remediation: "Set securityContext.allowPrivilegeEscalation to false in every container.",
			References:  []string{refPSS + "#restricted", refSecurityContext},
		},
		psaID: "allowPrivilegeEscalation",
		locate: func(w *inventory.Workload) string {
			for _, c := range w.Containers() {
				sc := c.SecurityContext
				switch {
				case sc == nil || sc.AllowPrivilegeEscalation == nil:
					return containerSecurityContextPath(c)
				case *sc.AllowPrivilegeEscalation:
					return c.Field("securityContext.allowPrivilegeEscalation")
				}
			}
			return ""
		},
	})
}
