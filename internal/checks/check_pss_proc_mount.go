package checks

// The container runtime masks and makes read-only parts of /proc that
// reveal or change the node (kernel keys, sysrq, timers, …). An Unmasked
// procMount removes that protection.
//
// Pod Security Standards control "procMount" (baseline; from v1.35 pods in a
// user namespace, spec.hostUsers=false, may set any value; at the restricted
// level from v1.35 procMount_restricted replaces it).
// Restricted fields:
//   spec.containers[*].securityContext.procMount
//   spec.initContainers[*].securityContext.procMount
//   spec.ephemeralContainers[*].securityContext.procMount
// Allowed values: undefined, "Default" (any value when spec.hostUsers is
// false, from v1.35).

import (
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-proc-mount",
			Title:       "Unmasked /proc mount",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A container with procMount set to Unmasked sees the parts of /proc that the runtime normally hides or makes read-only, which expose kernel information and settings of the node.",
			Remediation: "Remove securityContext.procMount or set it to Default; a workload that needs an unmasked /proc should run in a user namespace (spec.hostUsers: false).",
			References:  []string{refPSS + "#baseline", refUserNamespaces},
		},
		psaID:  "procMount",
		locate: locateProcMount,
	})
}
