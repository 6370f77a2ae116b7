package checks

// AppArmor confines what a container's programs may touch. Setting the
// profile to unconfined, or to anything other than the runtime's default or
// a profile loaded on the node, removes that confinement.
//
// Pod Security Standards control "appArmorProfile" (baseline).
// Restricted fields:
//   metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"]
//     Allowed values: "runtime/default", "localhost/*", empty, undefined.
//   spec.securityContext.appArmorProfile.type
//   spec.containers[*].securityContext.appArmorProfile.type
//   spec.initContainers[*].securityContext.appArmorProfile.type
//   spec.ephemeralContainers[*].securityContext.appArmorProfile.type
//     Allowed values: "RuntimeDefault", "Localhost", undefined.

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-apparmor-profile",
			Title:       "AppArmor profile overridden",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A pod or container that sets its AppArmor profile to Unconfined, or through the beta annotation to anything but the runtime default or a localhost profile, runs without the mandatory access control that limits what a compromised process can reach.",
			Remediation: "Remove the AppArmor override, or set appArmorProfile.type to RuntimeDefault or Localhost (annotations: runtime/default or localhost/<profile>).",
			References:  []string{refPSS + "#baseline", refAppArmor},
		},
		psaID: "appArmorProfile",
		locate: func(w *inventory.Workload) string {
			if sc := w.Spec.SecurityContext; sc != nil && sc.AppArmorProfile != nil && !appArmorTypeAllowed(sc.AppArmorProfile.Type) {
				return w.Path("securityContext.appArmorProfile.type")
			}
			for _, c := range w.Containers() {
				if sc := c.SecurityContext; sc != nil && sc.AppArmorProfile != nil && !appArmorTypeAllowed(sc.AppArmorProfile.Type) {
					return c.Field("securityContext.appArmorProfile.type")
				}
			}
			for _, k := range sortedAnnotations(w, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) {
				v := w.PodMeta.Annotations[k]
				if v != "" && v != corev1.DeprecatedAppArmorBetaProfileRuntimeDefault && !strings.HasPrefix(v, corev1.DeprecatedAppArmorBetaProfileNamePrefix) {
					return annotationPath(w, k)
				}
			}
			return ""
		},
	})
}

func appArmorTypeAllowed(t corev1.AppArmorProfileType) bool {
	return t == corev1.AppArmorProfileTypeRuntimeDefault || t == corev1.AppArmorProfileTypeLocalhost
}
