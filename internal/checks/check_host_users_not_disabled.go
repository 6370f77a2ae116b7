package checks

// A pod that shares the host's user namespace runs its processes under the
// node's own user IDs: root in the container is root on the node, and a
// container escape lands with those IDs. With hostUsers: false the pod gets
// its own user namespace, and its IDs, root included, map to unprivileged
// IDs on the node.
//
// Inspected fields:
//   spec.hostUsers
// Allowed values: false.
// Informational: user namespaces need Linux 6.3 or later, a container
// runtime that supports them and, before Kubernetes 1.33, the
// UserNamespacesSupport feature gate; hostUsers: false cannot be combined
// with hostNetwork, hostPID or hostIPC. Windows pods (spec.os.name: windows)
// are skipped: the API forbids the field there.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perWorkload(check.Meta{
		ID:          "host-users-not-disabled",
		Title:       "User namespace not enabled",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Info,
		Description: "The pod shares the node's user namespace, so user IDs in its containers, root included, are the same IDs on the node. A process that escapes the container keeps them.",
		Remediation: "Set spec.hostUsers: false where the nodes and runtime support user namespaces.",
		References: []string{
			"https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
			"https://kubernetes.io/docs/tasks/configure-pod-container/user-namespaces/",
		},
	}, func(w *inventory.Workload, _ check.Options) []check.Finding {
		if isWindowsPod(w) {
			return nil
		}
		f := check.Finding{Object: w.Object, Reason: "host user namespace", Path: w.SpecPath}
		switch v := w.Spec.HostUsers; {
		case v == nil:
			f.Detail = "pod spec must set hostUsers=false"
		case *v:
			f.Path = w.Path("hostUsers")
			f.Detail = "pod spec must set hostUsers=false, not true"
		default:
			return nil
		}
		return []check.Finding{f}
	}))
}
