package checks

// A hostPath volume mounts a file or directory of the node into the pod.
// Depending on the path it exposes credentials, the container runtime's
// socket or the node's configuration, and a writable mount lets the pod
// change the node.
//
// Pod Security Standards control "hostPathVolumes" (baseline; at the
// restricted level restrictedVolumes replaces it).
// Restricted fields:
//   spec.volumes[*].hostPath
// Allowed values: undefined, null.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-host-path-volumes",
			Title:       "HostPath volume",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.High,
			Description: "A hostPath volume gives the pod direct access to the node's file system. Through it a pod can read node credentials, talk to the container runtime socket or modify the node, which is a common path from a container to the node.",
			Remediation: "Replace hostPath volumes with emptyDir, configMap, secret, projected or persistentVolumeClaim volumes; run node agents that truly need the host file system in a namespace with a dedicated policy.",
			References:  []string{refPSS + "#baseline", refVolumes + "#hostpath"},
		},
		psaID: "hostPathVolumes",
		locate: func(w *inventory.Workload) string {
			for i := range w.Spec.Volumes {
				if w.Spec.Volumes[i].HostPath != nil {
					return fieldpath.Join(fieldpath.Index(w.Path("volumes"), i), "hostPath")
				}
			}
			return ""
		},
	})
}
