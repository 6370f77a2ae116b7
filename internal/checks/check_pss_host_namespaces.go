package checks

// A pod that shares the node's network, process or IPC namespace sees and
// reaches what belongs to the node and to every other pod on it: host-only
// network services and traffic, every process (and its environment and
// memory), shared memory segments.
//
// Pod Security Standards control "hostNamespaces" (baseline).
// Restricted fields:
//   spec.hostNetwork
//   spec.hostPID
//   spec.hostIPC
// Allowed values: false, undefined.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	registerPSS(pssCheck{
		meta: check.Meta{
			ID:          "pss-host-namespaces",
			Title:       "Host namespaces shared",
			Category:    check.ElevationOfPrivilege,
			Severity:    check.High,
			Description: "A pod with hostNetwork, hostPID or hostIPC set shares that namespace with the node. It can reach services bound to the node's loopback, watch or signal every process on the node, or read other workloads' shared memory.",
			Remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec or set them to false.",
			References:  []string{refPSS + "#baseline", refHardening},
		},
		psaID: "hostNamespaces",
		locate: func(w *inventory.Workload) string {
			switch s := w.Spec; {
			case s.HostNetwork:
				return w.Path("hostNetwork")
			case s.HostPID:
				return w.Path("hostPID")
			case s.HostIPC:
				return w.Path("hostIPC")
			}
			return ""
		},
	})
}
