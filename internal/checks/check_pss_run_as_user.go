package checks

// User ID 0 is root. A pod or container that sets runAsUser to 0 runs as
// root whatever its image says, and root in a container is root on the node
// unless the pod runs in a user namespace.
//
// Pod Security Standards control "runAsUser" (restricted, v1.23+; from
// v1.35 pods in a user namespace, spec.hostUsers=false, are exempt).
// Restricted fields:
//   spec.securityContext.runAsUser
//   spec.containers[*].securityContext.runAsUser
//   spec.initContainers[*].securityContext.runAsUser
//   spec.ephemeralContainers[*].securityContext.runAsUser
// Allowed values: any non-zero value, undefined; any value when
// spec.hostUsers is false (v1.35+).

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-run-as-user",
			Title:       "Container runs as user ID 0",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A pod or container that sets runAsUser to 0 runs its processes as root, overriding a non-root user in the image. Root in a container shares the node's root user unless the pod runs in a user namespace.",
			Remediation: "Set securityContext.runAsUser to a non-zero user ID, or remove it and run the image as a non-root user.",
			References:  []string{refPSS + "#restricted", refSecurityContext, refUserNamespaces},
		},
		psaID: "runAsUser",
		locate: func(w *inventory.Workload) string {
			if sc := w.Spec.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
				return w.Path("securityContext.runAsUser")
			}
			return firstContainer(w, "securityContext.runAsUser", func(c inventory.Container) bool {
				return c.SecurityContext != nil && c.SecurityContext.RunAsUser != nil && *c.SecurityContext.RunAsUser == 0
			})
		},
	})
}
