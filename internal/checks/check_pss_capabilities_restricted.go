package checks

// Every Linux capability a container keeps is a tool for an attacker who
// runs code in it. The restricted level requires dropping them all and adding
// back at most NET_BIND_SERVICE (to listen on a port below 1024).
//
// Pod Security Standards control "capabilities_restricted" (restricted,
// v1.22+; replaces capabilities_baseline; from v1.25 pods with
// spec.os.name=windows are exempt).
// Restricted fields:
//   spec.containers[*].securityContext.capabilities.drop
//   spec.initContainers[*].securityContext.capabilities.drop
//   spec.ephemeralContainers[*].securityContext.capabilities.drop
//     Allowed values: any list that includes "ALL".
//   spec.containers[*].securityContext.capabilities.add
//   spec.initContainers[*].securityContext.capabilities.add
//   spec.ephemeralContainers[*].securityContext.capabilities.add
//     Allowed values: undefined, empty, "NET_BIND_SERVICE".

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-capabilities-restricted",
			Title:       "Capabilities not dropped",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A container that does not drop ALL Linux capabilities, or adds back any capability but NET_BIND_SERVICE, keeps privileges it does not need.",
			Remediation: "Set securityContext.capabilities.drop to [\"ALL\"] in every container and add back only NET_BIND_SERVICE, if the container listens on a port below 1024.",
			References:  []string{refPSS + "#restricted", refSecurityContext + "#set-capabilities-for-a-container"},
		},
		psaID: "capabilities_restricted",
		locate: func(w *inventory.Workload) string {
			containers := w.Containers()
			if path, ok := notDroppingAll(containers); ok {
				return path
			}
			for _, c := range containers { // all of them drop ALL by now
				for j, capability := range c.SecurityContext.Capabilities.Add {
					if capability != "NET_BIND_SERVICE" {
						return fieldpath.Index(c.Field("securityContext.capabilities.add"), j)
					}
				}
			}
			return ""
		},
	})
}

// notDroppingAll returns the field of the first container that does not
// drop ALL capabilities (its securityContext or capabilities where unset).
func notDroppingAll(containers []inventory.Container) (string, bool) {
	for _, c := range containers {
		switch sc := c.SecurityContext; {
		case sc == nil:
			return c.Path, true
		case sc.Capabilities == nil:
			return c.Field("securityContext"), true
		case !dropsAll(sc.Capabilities.Drop):
			if sc.Capabilities.Drop != nil {
				return c.Field("securityContext.capabilities.drop"), true
			}
			return c.Field("securityContext.capabilities"), true
		}
	}
	return "", false
}

func dropsAll(drop []corev1.Capability) bool {
	for _, c := range drop {
		if c == "ALL" {
			return true
		}
	}
	return false
}
