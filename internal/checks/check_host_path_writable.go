package checks

// A hostPath volume mounted read-write lets a container change the node's
// own files: plant binaries, alter kubelet or runtime configuration, write
// to the container runtime socket's directory, or fill the node's disks.
// That is a step from one compromised container to the node and everything
// on it.
//
// Inspected fields:
//   spec.volumes[*].hostPath
//   spec.containers[*].volumeMounts[*].readOnly
//   spec.initContainers[*].volumeMounts[*].readOnly
//   spec.ephemeralContainers[*].volumeMounts[*].readOnly
// Allowed values: readOnly: true on every mount of a hostPath volume. A
// hostPath volume that no container mounts is reported too: the kubelet
// still sets it up, and an ephemeral container added later can mount it
// writable.

import (
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perWorkload(check.Meta{
		ID:          "host-path-writable",
		Title:       "Writable hostPath volume",
		Category:    check.Tampering,
		Severity:    check.High,
		Description: "A container mounts a directory or file of the node read-write. A compromised container can then change the node's files, which is a short step to taking over the node.",
		Remediation: "Avoid hostPath volumes; where one is required, set readOnly: true on every volumeMount of it.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
			refPSS + "#baseline",
			refHardening,
		},
	}, hostPathFindings))
}

const hostPathReason = "writable hostPath volumes"

func hostPathFindings(w *inventory.Workload, _ check.Options) []check.Finding {
	hostPaths := map[string]bool{}
	for _, v := range w.Spec.Volumes {
		if v.HostPath != nil {
			hostPaths[v.Name] = true
		}
	}
	if len(hostPaths) == 0 {
		return nil
	}
	var out []check.Finding
	mounted := map[string]bool{}
	for _, c := range w.Containers() {
		for i, m := range c.VolumeMounts {
			if !hostPaths[m.Name] {
				continue
			}
			mounted[m.Name] = true
			if m.ReadOnly {
				continue
			}
			out = append(out, check.Finding{
				Object: w.Object,
				Path:   c.Field(fieldpath.Index("volumeMounts", i)),
				Reason: hostPathReason,
				Detail: containerNoun(c) + " must mount hostPath volume " + strconv.Quote(m.Name) +
					" at " + strconv.Quote(m.MountPath) + " with readOnly: true",
			})
		}
	}
	for i, v := range w.Spec.Volumes {
		if v.HostPath == nil || mounted[v.Name] {
			continue
		}
		out = append(out, check.Finding{
			Object: w.Object,
			Path:   w.Path(fieldpath.Join(fieldpath.Index("volumes", i), "hostPath")),
			Reason: hostPathReason,
			Detail: "hostPath volume " + strconv.Quote(v.Name) + " must be removed (no container mounts it)",
		})
	}
	return out
}
