package checks

// Seccomp filters the system calls a container may make; without a profile
// a container runs unconfined unless the kubelet defaults it. The restricted
// level requires every container to run under the runtime's default profile
// or a profile loaded on the node.
//
// Pod Security Standards control "seccompProfile_restricted" (restricted,
// v1.19+; replaces seccompProfile_baseline; from v1.25 pods with
// spec.os.name=windows are exempt).
// Restricted fields:
//   spec.securityContext.seccompProfile.type
//   spec.containers[*].securityContext.seccompProfile.type
//   spec.initContainers[*].securityContext.seccompProfile.type
//   spec.ephemeralContainers[*].securityContext.seccompProfile.type
// Allowed values: "RuntimeDefault", "Localhost"; a container may leave it
// undefined when the pod sets an allowed value.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-seccomp-restricted",
			Title:       "Seccomp profile not set",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A container that runs without a RuntimeDefault or Localhost seccomp profile, set on it or on its pod, may run unconfined and make every system call, including those that kernel exploits rely on.",
			Remediation: "Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) in the pod spec, and remove any Unconfined profile from containers.",
			References:  []string{refPSS + "#restricted", refSeccomp},
		},
		psaID: "seccompProfile_restricted",
		locate: func(w *inventory.Workload) string {
			if p := badSeccompType(w); p != "" {
				return p
			}
			if sc := w.Spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
				return "" // the pod sets an allowed profile, so nothing is missing
			}
			for _, c := range w.Containers() {
				if c.SecurityContext == nil || c.SecurityContext.SeccompProfile == nil {
					return nearestSecurityContext(w, c)
				}
			}
			return ""
		},
	})
}
