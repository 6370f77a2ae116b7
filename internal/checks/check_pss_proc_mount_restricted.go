package checks

// The container runtime masks and makes read-only parts of /proc that
// reveal or change the node. The restricted level keeps /proc masked even in
// a user namespace, where the baseline level lets it go.
//
// Pod Security Standards control "procMount_restricted" (restricted, v1.35+;
// replaces procMount).
// Restricted fields:
//   spec.containers[*].securityContext.procMount
//   spec.initContainers[*].securityContext.procMount
//   spec.ephemeralContainers[*].securityContext.procMount
// Allowed values: undefined, "Default".

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-proc-mount-restricted",
			Title:       "Unmasked /proc mount at the restricted level",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A container with procMount set to Unmasked sees the parts of /proc that the runtime normally hides or makes read-only. The restricted level forbids it in every pod, including pods in a user namespace.",
			Remediation: "Remove securityContext.procMount or set it to Default.",
			References:  []string{refPSS + "#restricted", refSecurityContext},
		},
		psaID:  "procMount_restricted",
		locate: locateProcMount,
	})
}

// locateProcMount points at the first procMount that is set to anything but
// Default.
func locateProcMount(w *inventory.Workload) string {
	return firstContainer(w, "securityContext.procMount", func(c inventory.Container) bool {
		return c.SecurityContext != nil && c.SecurityContext.ProcMount != nil && *c.SecurityContext.ProcMount != corev1.DefaultProcMount
	})
}
