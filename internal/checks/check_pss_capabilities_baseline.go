package checks

// Linux capabilities split root's power into pieces; container runtimes
// grant a small default set. Adding capabilities beyond it (SYS_ADMIN,
// NET_ADMIN, SYS_PTRACE, NET_RAW, …) hands a container powers that lead to
// the node.
//
// Pod Security Standards control "capabilities_baseline" (baseline; at the
// restricted level from v1.22 capabilities_restricted replaces it).
// Restricted fields:
//   spec.containers[*].securityContext.capabilities.add
//   spec.initContainers[*].securityContext.capabilities.add
//   spec.ephemeralContainers[*].securityContext.capabilities.add
// Allowed values: undefined, empty, or capabilities of the default set:
//   AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD,
//   NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-capabilities-baseline",
			Title:       "Non-default capabilities added",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.High,
			Description: "A container that adds Linux capabilities beyond the runtime's default set, such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE, holds powers that allow escaping the container or attacking other workloads on the node.",
			Remediation: "Remove the capabilities outside the default set from securityContext.capabilities.add.",
			References:  []string{refPSS + "#baseline", refSecurityContext + "#set-capabilities-for-a-container"},
		},
		psaID:  "capabilities_baseline",
		locate: locateNonDefaultCapability,
	})
}

// locateNonDefaultCapability points at the first capabilities.add entry
// outside the default set.
func locateNonDefaultCapability(w *inventory.Workload) string {
	var probes []pssProbe
	for _, c := range w.Containers() {
		if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
			continue
		}
		for j, capability := range c.SecurityContext.Capabilities.Add {
			probes = append(probes, pssProbe{
				path: fieldpath.Index(c.Field("securityContext.capabilities.add"), j),
				spec: &corev1.PodSpec{Containers: []corev1.Container{{
					Name:            c.Name,
					SecurityContext: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{capability}}},
				}}},
			})
		}
	}
	return firstForbiddenValue("capabilities_baseline", probes)
}
