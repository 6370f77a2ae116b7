package checks

// A Windows HostProcess container runs directly on the Windows node as a
// host process, with the node's network, file system and devices and no
// container isolation.
//
// Pod Security Standards control "windowsHostProcess" (baseline).
// Restricted fields:
//   spec.securityContext.windowsOptions.hostProcess
//   spec.containers[*].securityContext.windowsOptions.hostProcess
//   spec.initContainers[*].securityContext.windowsOptions.hostProcess
//   spec.ephemeralContainers[*].securityContext.windowsOptions.hostProcess
// Allowed values: false, undefined.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-windows-host-process",
			Title:       "Windows HostProcess container",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.High,
			Description: "A pod or container with windowsOptions.hostProcess set to true runs as a process on the Windows node with access to its network, file system and devices, the Windows equivalent of a privileged container.",
			Remediation: "Remove securityContext.windowsOptions.hostProcess or set it to false.",
			References:  []string{refPSS + "#baseline", refHostProcess},
		},
		psaID: "windowsHostProcess",
		locate: func(w *inventory.Workload) string {
			if sc := w.Spec.SecurityContext; sc != nil && sc.WindowsOptions != nil && sc.WindowsOptions.HostProcess != nil && *sc.WindowsOptions.HostProcess {
				return w.Path("securityContext.windowsOptions.hostProcess")
			}
			return firstContainer(w, "securityContext.windowsOptions.hostProcess", func(c inventory.Container) bool {
				sc := c.SecurityContext
				return sc != nil && sc.WindowsOptions != nil && sc.WindowsOptions.HostProcess != nil && *sc.WindowsOptions.HostProcess
			})
		},
	})
}
