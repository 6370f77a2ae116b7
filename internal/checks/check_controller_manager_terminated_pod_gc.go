package checks

// The kube-controller-manager deletes terminated pods (Succeeded, Failed)
// only when there are more than --terminated-pod-gc-threshold of them:
// 12500 by default, and never when the threshold is 0 or less. Until then
// every finished pod stays in etcd and in every client's list, which
// slows the API server, etcd and the controllers as jobs accumulate.
//
// Inspected: --terminated-pod-gc-threshold of every kube-controller-manager
// (static pod or process). Allowed: set above 0.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "controller-manager-terminated-pod-gc",
		Title:       "Terminated pods are kept too long",
		Category:    check.DenialOfService,
		Severity:    check.Low,
		Description: "The kube-controller-manager garbage-collects terminated pods only above --terminated-pod-gc-threshold, 12500 by default, and never when it is 0 or less; finished pods pile up in etcd and slow every list of pods.",
		Remediation: "Set --terminated-pod-gc-threshold on the kube-controller-manager to a number of terminated pods the cluster can carry (for example 1000), above 0.",
		CIS:         "1.3.1",
		References: []string{
			"https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-garbage-collection",
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
		},
	}, func(v *nodeView) []check.Finding {
		const reason = "terminated pods kept"
		var out []check.Finding
		for _, c := range v.of(host.ControllerManager) {
			f, ok := c.Flag("terminated-pod-gc-threshold")
			if !ok {
				out = append(out, flagMissing(c, "terminated-pod-gc-threshold", reason,
					fmt.Sprintf("%s must set --terminated-pod-gc-threshold (12500 terminated pods are kept by default)", c)))
				continue
			}
			if n, err := strconv.Atoi(strings.TrimSpace(f.Value)); err == nil && n <= 0 {
				fd := flagAt(c, f, reason,
					fmt.Sprintf("%s must set --terminated-pod-gc-threshold above 0, not %s (terminated pods are never deleted)", c, f.Value))
				fd.Severity = check.Medium
				out = append(out, fd)
			}
		}
		return out
	}))
}
