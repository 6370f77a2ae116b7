package checks

// etcd's data directory holds the whole state of the cluster, Secrets
// included (in plain text without an encryption provider), and its write
// ahead log. Any local user who can read it reads every Secret; one who
// can write it can rewrite the cluster's state.
//
// Inspected: the directory --data-dir names (/var/lib/etcd for kubeadm) of
// every etcd (static pod or process), as the node command read it; an etcd
// whose directory was not read, or whose --data-dir is relative (the
// default, "<name>.etcd" in its working directory), is not judged. Allowed:
// mode 700 or stricter, owned by root or, for a static pod, by the user it
// runs as (securityContext.runAsUser). The owner of a process's directory
// is not judged: its user is not known.

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "etcd-data-dir-permissions",
		Title:       "etcd data directory open to other users",
		Category:    check.InformationDisclosure,
		Severity:    check.Medium,
		NeedsHost:   true,
		Description: "etcd's data directory holds every object of the cluster, Secrets included. Permissions looser than 700, or an owner other than the user etcd runs as, let other local users read or alter the cluster's state.",
		Remediation: "Set etcd's data directory to mode 700 (chmod 700 /var/lib/etcd), owned by the user etcd runs as.",
		CIS:         "1.1.11, 1.1.12",
		References: []string{
			"https://etcd.io/docs/v3.6/op-guide/security/",
			"https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/",
		},
	}, func(v *nodeView) []check.Finding {
		const reason = "etcd data open to other users"
		var out []check.Finding
		for _, c := range v.of(host.Etcd) {
			if etcdConfigFile(c) {
				continue
			}
			dir := strings.TrimSpace(c.Value("data-dir", ""))
			if dir == "" || !path.IsAbs(dir) {
				continue
			}
			fi, ok := v.file(path.Clean(dir))
			if !ok || fi.Missing {
				continue
			}
			if perm := fi.Mode.Perm(); perm&0o077 != 0 {
				out = append(out, fileAt(fi.Path, reason,
					fmt.Sprintf("etcd data directory %s of %s must have mode 700 or stricter, not %o", fi.Path, c, perm)))
			}
			if uid, known := etcdUser(c); known && fi.UID != 0 && fi.UID != uid {
				out = append(out, fileAt(fi.Path, reason,
					fmt.Sprintf("etcd data directory %s of %s must be owned by root or the user etcd runs as (%d), not uid %d", fi.Path, c, uid, fi.UID)))
			}
		}
		return out
	}))
}

// etcdUser returns the user a static pod's etcd container runs as: its
// runAsUser, the pod's, or root; known is false for other sources.
func etcdUser(c *host.Component) (int, bool) {
	if c.Object == nil {
		return 0, false
	}
	pod, ok := c.Object.Typed.(*corev1.Pod)
	if !ok || c.Container >= len(pod.Spec.Containers) {
		return 0, false
	}
	if sc := pod.Spec.Containers[c.Container].SecurityContext; sc != nil && sc.RunAsUser != nil {
		return int(*sc.RunAsUser), true
	}
	if sc := pod.Spec.SecurityContext; sc != nil && sc.RunAsUser != nil {
		return int(*sc.RunAsUser), true
	}
	return 0, true
}
