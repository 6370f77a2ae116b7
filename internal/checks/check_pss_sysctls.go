package checks

// Most sysctls are not namespaced: setting one in a pod changes it for the
// whole node, and some disable kernel protections. Only a short list of
// namespaced sysctls, isolated from other pods, is safe.
//
// Pod Security Standards control "sysctls" (baseline).
// Restricted fields:
//   spec.securityContext.sysctls[*].name
// Allowed values: undefined, empty, or the safe sysctls:
//   kernel.shm_rmid_forced, net.ipv4.ip_local_port_range,
//   net.ipv4.tcp_syncookies, net.ipv4.ping_group_range,
//   net.ipv4.ip_unprivileged_port_start;
//   from v1.27 net.ipv4.ip_local_reserved_ports;
//   from v1.29 net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout,
//   net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes;
//   from v1.32 net.ipv4.tcp_rmem, net.ipv4.tcp_wmem;
//   from v1.37 net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-sysctls",
			Title:       "Unsafe sysctls",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A pod that sets a sysctl outside the safe, namespaced set can change kernel settings for the whole node, weakening protections for every workload on it or disrupting them.",
			Remediation: "Remove the unsafe sysctls from securityContext.sysctls; tune the node itself, or use a dedicated node pool, when a workload needs them.",
			References:  []string{refPSS + "#baseline", refSysctls},
		},
		psaID: "sysctls",
		locate: func(w *inventory.Workload) string {
			sc := w.Spec.SecurityContext
			if sc == nil {
				return ""
			}
			var probes []pssProbe
			for i, s := range sc.Sysctls {
				probes = append(probes, pssProbe{
					path: fieldpath.Join(fieldpath.Index(w.Path("securityContext.sysctls"), i), "name"),
					spec: &corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{s}}},
				})
			}
			return firstForbiddenValue("sysctls", probes)
		},
	})
}
