package checks

// Seccomp filters the system calls a container may make; the runtime's
// default profile blocks the calls most kernel exploits need. Setting the
// profile to Unconfined turns the filter off.
//
// Pod Security Standards control "seccompProfile_baseline" (baseline; at the
// restricted level from v1.19 seccompProfile_restricted replaces it).
// v1.0 to v1.18, restricted fields:
//   metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]
//   metadata.annotations["container.seccomp.security.alpha.kubernetes.io/*"]
// Allowed values: "runtime/default", "docker/default", "localhost/*",
// undefined.
// v1.19+, restricted fields:
//   spec.securityContext.seccompProfile.type
//   spec.containers[*].securityContext.seccompProfile.type
//   spec.initContainers[*].securityContext.seccompProfile.type
//   spec.ephemeralContainers[*].securityContext.seccompProfile.type
// Allowed values: "RuntimeDefault", "Localhost", undefined.

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-seccomp-baseline",
			Title:       "Seccomp disabled",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A pod or container that sets its seccomp profile to Unconfined can make every system call, including the rarely used ones that kernel exploits for container escapes rely on.",
			Remediation: "Set securityContext.seccompProfile.type to RuntimeDefault or Localhost, or remove it (annotations: runtime/default or localhost/<profile>).",
			References:  []string{refPSS + "#baseline", refSeccomp},
		},
		psaID: "seccompProfile_baseline",
		locate: func(w *inventory.Workload) string {
			if p := badSeccompType(w); p != "" {
				return p
			}
			keys := []string{corev1.SeccompPodAnnotationKey}
			for _, c := range w.Containers() {
				keys = append(keys, corev1.SeccompContainerAnnotationKeyPrefix+c.Name)
			}
			for _, k := range keys {
				if v, ok := w.PodMeta.Annotations[k]; ok && !seccompAnnotationAllowed(v) {
					return annotationPath(w, k)
				}
			}
			return ""
		},
	})
}

// badSeccompType returns the path of the first seccompProfile.type, of the
// pod then of its containers, that is neither RuntimeDefault nor Localhost,
// or "".
func badSeccompType(w *inventory.Workload) string {
	if sc := w.Spec.SecurityContext; sc != nil && sc.SeccompProfile != nil && !seccompTypeAllowed(sc.SeccompProfile.Type) {
		return w.Path("securityContext.seccompProfile.type")
	}
	return firstContainer(w, "securityContext.seccompProfile.type", func(c inventory.Container) bool {
		return c.SecurityContext != nil && c.SecurityContext.SeccompProfile != nil && !seccompTypeAllowed(c.SecurityContext.SeccompProfile.Type)
	})
}

func seccompTypeAllowed(t corev1.SeccompProfileType) bool {
	return t == corev1.SeccompProfileTypeRuntimeDefault || t == corev1.SeccompProfileTypeLocalhost
}

func seccompAnnotationAllowed(v string) bool {
	return v == corev1.SeccompProfileRuntimeDefault || v == corev1.DeprecatedSeccompProfileDockerDefault ||
		strings.HasPrefix(v, corev1.SeccompLocalhostProfileNamePrefix)
}
