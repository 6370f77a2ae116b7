package checks

// A container that may run as root (UID 0) turns any flaw in it, or in the
// kernel, into root-level access; root in a container is root on the node
// unless the pod runs in a user namespace.
//
// Pod Security Standards control "runAsNonRoot" (restricted; from v1.35
// pods in a user namespace, spec.hostUsers=false, are exempt).
// Restricted fields:
//   spec.securityContext.runAsNonRoot
//   spec.containers[*].securityContext.runAsNonRoot
//   spec.initContainers[*].securityContext.runAsNonRoot
//   spec.ephemeralContainers[*].securityContext.runAsNonRoot
// Allowed values: true; undefined at container level when the pod level is
// true; any value when spec.hostUsers is false (v1.35+).

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-run-as-non-root",
			Title:       "Container may run as root",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "Unless runAsNonRoot is true for the pod or for every container, the kubelet starts containers whose image runs as root. A process running as root is one kernel or runtime flaw away from root on the node.",
			Remediation: "Set securityContext.runAsNonRoot to true in the pod (or in every container) and run the image as a non-zero user ID.",
			References:  []string{refPSS + "#restricted", refSecurityContext, refKernelConstraints},
		},
		psaID: "runAsNonRoot",
		locate: func(w *inventory.Workload) string {
			podSC := w.Spec.SecurityContext
			podTrue := false
			if podSC != nil && podSC.RunAsNonRoot != nil {
				if !*podSC.RunAsNonRoot {
					return w.Path("securityContext.runAsNonRoot")
				}
				podTrue = true
			}
			containers := w.Containers()
			for _, c := range containers {
				if sc := c.SecurityContext; sc != nil && sc.RunAsNonRoot != nil && !*sc.RunAsNonRoot {
					return c.Field("securityContext.runAsNonRoot")
				}
			}
			if podTrue {
				return ""
			}
			for _, c := range containers {
				if sc := c.SecurityContext; sc == nil || sc.RunAsNonRoot == nil {
					return nearestSecurityContext(w, c)
				}
			}
			return ""
		},
	})
}
