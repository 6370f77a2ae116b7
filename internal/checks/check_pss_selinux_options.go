package checks

// SELinux labels decide what a container's processes may access. A custom
// user or role, or a type outside the container types, can give a container
// the access of a host process.
//
// Pod Security Standards control "seLinuxOptions" (baseline).
// Restricted fields:
//   spec.securityContext.seLinuxOptions.type
//   spec.containers[*].securityContext.seLinuxOptions.type
//   spec.initContainers[*].securityContext.seLinuxOptions.type
//   spec.ephemeralContainers[*].securityContext.seLinuxOptions.type
//     Allowed values: undefined, "", "container_t", "container_init_t",
//     "container_kvm_t", and from v1.31 "container_engine_t".
//   spec.securityContext.seLinuxOptions.user and .role, and the same fields
//   of every container's securityContext
//     Allowed values: undefined, "".

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-selinux-options",
			Title:       "Custom SELinux options",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A pod or container that sets an SELinux user or role, or a type other than the container types, can run with the SELinux access of a host process instead of a confined container.",
			Remediation: "Remove seLinuxOptions.user and seLinuxOptions.role, and set seLinuxOptions.type only to container_t, container_init_t, container_kvm_t or container_engine_t.",
			References:  []string{refPSS + "#baseline", refSecurityContext + "#assign-selinux-labels-to-a-container"},
		},
		psaID: "seLinuxOptions",
		locate: func(w *inventory.Workload) string {
			var probes []pssProbe
			add := func(base string, o *corev1.SELinuxOptions) {
				for _, p := range []struct {
					field string
					opts  corev1.SELinuxOptions
				}{{"type", corev1.SELinuxOptions{Type: o.Type}}, {"user", corev1.SELinuxOptions{User: o.User}}, {"role", corev1.SELinuxOptions{Role: o.Role}}} {
					opts := p.opts
					probes = append(probes, pssProbe{
						path: base + "." + p.field,
						spec: &corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{SELinuxOptions: &opts}},
					})
				}
			}
			if sc := w.Spec.SecurityContext; sc != nil && sc.SELinuxOptions != nil {
				add(w.Path("securityContext.seLinuxOptions"), sc.SELinuxOptions)
			}
			for _, c := range w.Containers() {
				if sc := c.SecurityContext; sc != nil && sc.SELinuxOptions != nil {
					add(c.Field("securityContext.seLinuxOptions"), sc.SELinuxOptions)
				}
			}
			return firstForbiddenValue("seLinuxOptions", probes)
		},
	})
}
