package checks

// A writable root filesystem lets an attacker who gains code execution in a
// container change its binaries and configuration, drop tools, and persist
// until the container restarts. A read-only root filesystem, with
// emptyDir volumes where the application must write, closes that door.
//
// Inspected fields:
//   spec.containers[*].securityContext.readOnlyRootFilesystem
//   spec.initContainers[*].securityContext.readOnlyRootFilesystem
//   spec.ephemeralContainers[*].securityContext.readOnlyRootFilesystem
// Allowed values: true.
// Windows pods (spec.os.name: windows) are skipped: the API forbids the
// field there.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perWorkload(check.Meta{
		ID:          "root-filesystem-writable",
		Title:       "Writable root filesystem",
		Category:    check.Tampering,
		Severity:    check.Medium,
		Description: "The container's root filesystem is writable, so a compromised process can replace binaries, alter configuration and plant tools that survive until the container restarts.",
		Remediation: "Set securityContext.readOnlyRootFilesystem: true on the container and mount emptyDir volumes at the paths it must write to.",
		References:  []string{refSecurityContext, refHardening},
	}, func(w *inventory.Workload, _ check.Options) []check.Finding {
		if isWindowsPod(w) {
			return nil
		}
		var out []check.Finding
		for _, c := range w.Containers() {
			sc := c.SecurityContext
			if sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
				continue
			}
			path := c.Path
			switch {
			case sc != nil && sc.ReadOnlyRootFilesystem != nil:
				path = c.Field("securityContext.readOnlyRootFilesystem")
			case sc != nil:
				path = c.Field("securityContext")
			}
			out = append(out, check.Finding{
				Object: w.Object,
				Path:   path,
				Reason: "writable root filesystems",
				Detail: containerNoun(c) + " must set securityContext.readOnlyRootFilesystem=true",
			})
		}
		return out
	}))
}
