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
//
// Grades, by the most exposed path of the pod's hostPath volumes (classes as
// in host-path-writable; whether a mount is read-only is that check's
// concern): critical for a container runtime socket or its directory, or a
// system directory or credential store of the node (/, /etc, /proc, /sys,
// /dev, /root, /home, /var/lib/kubelet, /etc/kubernetes), since read access
// alone reaches the runtime or credentials; high (the default) for any
// other path; medium when every path is a log directory (/var/log and
// below) or a lock file, which expose the node's logs only; low when every
// path is a lock file, which exposes nothing.

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
		grade: hostPathVolumesGrade,
	})
}

// hostPathVolumesGrade grades a pod's hostPath volumes by the most exposed
// path among them (0 for the check's default, high).
func hostPathVolumesGrade(w *inventory.Workload) check.Severity {
	worst := check.Severity(0)
	for _, v := range w.Spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		class, _ := classifyHostPath(v.HostPath.Path)
		var sev check.Severity
		switch class {
		case hostPathRuntime, hostPathNode:
			sev = check.Critical
		case hostPathLogs:
			sev = check.Medium
		case hostPathLock:
			sev = check.Low
		default:
			sev = check.High
		}
		worst = max(worst, sev)
	}
	if worst == check.High {
		return 0
	}
	return worst
}
