package checks

// A hostPath volume mounted read-write lets a container change the node's
// own files: plant binaries, alter kubelet or runtime configuration, write
// to the container runtime socket's directory, or fill the node's disks.
// That is a step from one compromised container to the node and everything
// on it. Some node paths are that step even mounted read-only, and are
// reported however they are mounted.
//
// Inspected fields:
//   spec.volumes[*].hostPath.path
//   spec.containers[*].volumeMounts[*].readOnly
//   spec.initContainers[*].volumeMounts[*].readOnly
//   spec.ephemeralContainers[*].volumeMounts[*].readOnly
// Allowed values: readOnly: true on every mount of a hostPath volume, and
// no mount at all of the paths below that are critical. A hostPath volume
// that no container mounts is reported too, graded as a writable mount: the
// kubelet still sets it up, and an ephemeral container added later can
// mount it writable.
//
// Grades, by what the node path exposes (the path is cleaned first; a
// trailing slash or "/./" changes nothing):
//   - critical, even read-only: a container runtime socket (a path whose
//     last element is docker.sock, containerd.sock, crio.sock,
//     cri-dockerd.sock or dockershim.sock) or a directory that holds one
//     (/run, /var/run, /run/containerd, /var/run/containerd, /run/crio,
//     /var/run/crio, /run/docker, /var/run/docker, /run/k3s/containerd).
//     Connecting to a socket needs no write permission on the mount, so a
//     read-only socket still lets the container start a privileged
//     container on the node; readOnly: true is no remediation, the mount
//     must go.
//   - critical, even read-only: the node's system directories, /, /etc,
//     /proc, /sys, /dev, /root and /home, and anything below /root, /home,
//     /var/lib/kubelet (the kubelet's credentials and every pod's secrets)
//     and /etc/kubernetes (kubeconfigs and the cluster's PKI). Reading them
//     yields credentials (kubelet and service account tokens, SSH keys,
//     /proc/*/environ) that act on the node or the cluster; subdirectories
//     of /etc, /proc, /sys and /dev such as /etc/ssl/certs or /sys/fs/bpf
//     are graded as any other path.
//   - high, writable only: /var/log and below. The kubelet serves files
//     under /var/log and follows the symbolic links a container plants
//     there, which reads any file of the node; that is short of driving
//     the runtime, so it is graded below the classes above.
//   - low, writable only: a lock file (a last element ending in ".lock",
//     such as /run/xtables.lock that network agents share with the node).
//     Holding the lock blocks the node's iptables updates, a denial of
//     service, and exposes nothing.
//   - high, writable only: any other path (the check's default).

import (
	"path"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perWorkload(check.Meta{
		ID:          "host-path-writable",
		Title:       "Writable or sensitive hostPath volume",
		Category:    check.Tampering,
		Severity:    check.High,
		Description: "A container mounts a directory or file of the node read-write, or mounts the container runtime socket or a system directory of the node at all. A compromised container can then change the node's files or drive its container runtime, which is a short step to taking over the node.",
		Remediation: "Avoid hostPath volumes; where one is required, set readOnly: true on every volumeMount of it, and remove any mount of the container runtime socket or of /, /etc, /proc, /sys, /dev, /root, /home or /var/lib/kubelet, which readOnly does not make safe.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
			refPSS + "#baseline",
			refHardening,
		},
	}, hostPathFindings))
}

const (
	hostPathReason          = "writable hostPath volumes"
	hostPathSensitiveReason = "sensitive hostPath volumes"
)

// hostPathClass is what a node path exposes; it sets how a mount of the
// path is graded (see the comment at the top of the file).
type hostPathClass int

const (
	// hostPathOther: any path not named below.
	hostPathOther hostPathClass = iota
	// hostPathLock: a lock file.
	hostPathLock
	// hostPathLogs: /var/log and below.
	hostPathLogs
	// hostPathNode: a system directory of the node, or node credentials.
	hostPathNode
	// hostPathRuntime: a container runtime socket or its directory.
	hostPathRuntime
)

// runtimeSockets are the last path elements of container runtime sockets.
var runtimeSockets = map[string]bool{
	"docker.sock": true, "containerd.sock": true, "crio.sock": true,
	"cri-dockerd.sock": true, "dockershim.sock": true,
}

// runtimeSocketDirs are the directories that hold a runtime socket.
var runtimeSocketDirs = map[string]bool{
	"/run": true, "/var/run": true,
	"/run/containerd": true, "/var/run/containerd": true,
	"/run/crio": true, "/var/run/crio": true,
	"/run/docker": true, "/var/run/docker": true,
	"/run/k3s/containerd": true,
}

// nodeSystemDirs are the node's directories that are critical themselves
// (their subdirectories are not).
var nodeSystemDirs = map[string]string{
	"/":     "the node's whole file system",
	"/etc":  "the node's configuration and credentials",
	"/proc": "every process of the node, with its environment",
	"/sys":  "the node's kernel and device settings",
	"/dev":  "the node's devices, its disks included",
}

// nodeCredentialTrees are the node's directories that are critical with
// everything below them.
var nodeCredentialTrees = []struct{ dir, what string }{
	{"/var/lib/kubelet", "the kubelet's credentials and every pod's secrets"},
	{"/etc/kubernetes", "the node's kubeconfigs and the cluster's certificates"},
	{"/root", "the node's user keys and credentials"},
	{"/home", "the node's user keys and credentials"},
}

// classifyHostPath returns the class of node path p and, for the critical
// classes, a phrase saying what it exposes.
func classifyHostPath(p string) (hostPathClass, string) {
	if p == "" {
		return hostPathOther, ""
	}
	p = path.Clean("/" + p)
	base := path.Base(p)
	switch {
	case runtimeSockets[base]:
		return hostPathRuntime, "is the container runtime socket"
	case runtimeSocketDirs[p]:
		return hostPathRuntime, "holds the container runtime socket"
	}
	if what, ok := nodeSystemDirs[p]; ok {
		return hostPathNode, "exposes " + what
	}
	for _, t := range nodeCredentialTrees {
		if p == t.dir || strings.HasPrefix(p, t.dir+"/") {
			return hostPathNode, "exposes " + t.what
		}
	}
	switch {
	case strings.HasSuffix(base, ".lock"):
		return hostPathLock, ""
	case p == "/var/log" || strings.HasPrefix(p, "/var/log/"):
		return hostPathLogs, ""
	}
	return hostPathOther, ""
}

// critical reports whether any mount of a path of class c, read-only or
// not, is critical.
func (c hostPathClass) critical() bool { return c == hostPathNode || c == hostPathRuntime }

// writableSeverity is the finding severity of a writable mount of a path
// of class c (0 for the check's default, high).
func (c hostPathClass) writableSeverity() check.Severity {
	switch {
	case c.critical():
		return check.Critical
	case c == hostPathLock:
		return check.Low
	}
	return 0
}

func hostPathFindings(w *inventory.Workload, _ check.Options) []check.Finding {
	type hostVolume struct {
		path  string
		class hostPathClass
		what  string
	}
	hostPaths := map[string]hostVolume{}
	for _, v := range w.Spec.Volumes {
		if v.HostPath != nil {
			class, what := classifyHostPath(v.HostPath.Path)
			hostPaths[v.Name] = hostVolume{path: v.HostPath.Path, class: class, what: what}
		}
	}
	if len(hostPaths) == 0 {
		return nil
	}
	var out []check.Finding
	mounted := map[string]bool{}
	for _, c := range w.Containers() {
		for i, m := range c.VolumeMounts {
			hv, ok := hostPaths[m.Name]
			if !ok {
				continue
			}
			mounted[m.Name] = true
			mount := "hostPath volume " + strconv.Quote(m.Name) + " at " + strconv.Quote(m.MountPath)
			switch {
			case hv.class.critical():
				out = append(out, check.Finding{
					Object:   w.Object,
					Path:     c.Field(fieldpath.Index("volumeMounts", i)),
					Reason:   hostPathSensitiveReason,
					Detail:   containerNoun(c) + " must not mount " + mount + " (" + strconv.Quote(hv.path) + " " + hv.what + "; readOnly: true does not make it safe)",
					Severity: check.Critical,
				})
			case !m.ReadOnly:
				out = append(out, check.Finding{
					Object:   w.Object,
					Path:     c.Field(fieldpath.Index("volumeMounts", i)),
					Reason:   hostPathReason,
					Detail:   containerNoun(c) + " must mount " + mount + " with readOnly: true",
					Severity: hv.class.writableSeverity(),
				})
			}
		}
	}
	for i, v := range w.Spec.Volumes {
		if v.HostPath == nil || mounted[v.Name] {
			continue
		}
		reason := hostPathReason
		if hostPaths[v.Name].class.critical() {
			reason = hostPathSensitiveReason
		}
		out = append(out, check.Finding{
			Object:   w.Object,
			Path:     w.Path(fieldpath.Join(fieldpath.Index("volumes", i), "hostPath")),
			Reason:   reason,
			Detail:   "hostPath volume " + strconv.Quote(v.Name) + " must be removed (no container mounts it)",
			Severity: hostPaths[v.Name].class.writableSeverity(),
		})
	}
	return out
}
