package checks

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

// projectedToken is a serviceAccountToken source of a projected volume.
type projectedToken struct {
	// Volume is the volume's name.
	Volume string
	// Rel is the source's path relative to the volume, as in
	// projected.sources[0].serviceAccountToken.
	Rel string
	// Path is the source's path in the object.
	Path string
	*corev1.ServiceAccountTokenProjection
}

// projectedTokens returns the serviceAccountToken sources of w's projected
// volumes, in volume and source order. It leaves out the kube-api-access-*
// volume that the API server adds to every pod that automounts its token:
// that token is the automount (service-account-token-automount reports it),
// and its audience and expiry are the API server's, not the manifest's.
func projectedTokens(w *inventory.Workload) []projectedToken {
	var out []projectedToken
	for i := range w.Spec.Volumes {
		v := &w.Spec.Volumes[i]
		if v.Projected == nil || isInjectedTokenVolume(v) {
			continue
		}
		for j := range v.Projected.Sources {
			src := v.Projected.Sources[j].ServiceAccountToken
			if src == nil {
				continue
			}
			rel := fieldpath.Join(fieldpath.Index("projected.sources", j), "serviceAccountToken")
			out = append(out, projectedToken{
				Volume:                        v.Name,
				Rel:                           rel,
				Path:                          w.Path(fieldpath.Join(fieldpath.Index("volumes", i), rel)),
				ServiceAccountTokenProjection: src,
			})
		}
	}
	return out
}

// isInjectedTokenVolume reports whether v is the volume the ServiceAccount
// admission plugin adds: kube-api-access-<suffix>, projecting a token and
// the kube-root-ca.crt ConfigMap.
func isInjectedTokenVolume(v *corev1.Volume) bool {
	if !strings.HasPrefix(v.Name, "kube-api-access-") {
		return false
	}
	for _, s := range v.Projected.Sources {
		if s.ConfigMap != nil && s.ConfigMap.Name == "kube-root-ca.crt" {
			return true
		}
	}
	return false
}

// isWindowsPod reports whether the pod spec declares spec.os.name: windows,
// where the API forbids Linux-only fields such as hostUsers and
// readOnlyRootFilesystem.
func isWindowsPod(w *inventory.Workload) bool {
	return w.Spec.OS != nil && w.Spec.OS.Name == corev1.Windows
}
