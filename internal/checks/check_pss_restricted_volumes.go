package checks

// Volume types other than the ephemeral and projected ones and persistent
// volume claims reach storage the cluster administrator has not vetted for
// the workload: the node's file system, network file systems or block devices
// addressed directly, or git repositories cloned by the kubelet.
//
// Pod Security Standards control "restrictedVolumes" (restricted; replaces
// hostPathVolumes).
// Restricted fields:
//   spec.volumes[*]: every volume source but the allowed ones, that is
//   hostPath, gcePersistentDisk, awsElasticBlockStore, gitRepo, nfs, iscsi,
//   glusterfs, rbd, flexVolume, cinder, cephfs, flocker, fc, azureFile,
//   vsphereVolume, quobyte, azureDisk, portworxVolume, photonPersistentDisk,
//   scaleIO, storageos.
// Allowed values: volumes of type configMap, csi, downwardAPI, emptyDir,
// ephemeral, image, persistentVolumeClaim, projected or secret. A volume
// that sets no source is allowed: the API server makes it an emptyDir.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

// restrictedVolumesAllowed are the volume sources the restricted level
// allows, by JSON name.
var restrictedVolumesAllowed = map[string]bool{
	"configMap": true, "csi": true, "downwardAPI": true, "emptyDir": true, "ephemeral": true,
	"image": true, "persistentVolumeClaim": true, "projected": true, "secret": true,
}

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-restricted-volumes",
			Title:       "Restricted volume type",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.Medium,
			Description: "A volume of a type other than configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret reaches storage directly, bypassing persistent volume claims and the administrator's storage classes.",
			Remediation: "Use a persistentVolumeClaim (or a CSI or ephemeral volume) instead of the restricted volume type.",
			References:  []string{refPSS + "#restricted", refVolumes},
		},
		psaID: "restrictedVolumes",
		locate: func(w *inventory.Workload) string {
			for i := range w.Spec.Volumes {
				srcs := volumeSources(&w.Spec.Volumes[i])
				if len(srcs) == 0 {
					continue // an emptyDir once the API server has defaulted it
				}
				allowed := false
				for _, s := range srcs {
					allowed = allowed || restrictedVolumesAllowed[s]
				}
				if !allowed {
					return fieldpath.Join(fieldpath.Index(w.Path("volumes"), i), srcs[0])
				}
			}
			return ""
		},
	})
}
