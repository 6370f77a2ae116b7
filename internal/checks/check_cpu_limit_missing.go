package checks

// A container without a CPU limit can use every core of its node. One busy
// or compromised container then starves its neighbours and the node's own
// daemons, and a noisy workload takes down others with it.
//
// Inspected fields:
//   spec.containers[*].resources.limits.cpu
//   spec.initContainers[*].resources.limits.cpu
// Allowed values: any quantity. The limit is also provided by a pod-level
// spec.resources.limits.cpu, or by a Container LimitRange in the scan, in the
// workload's namespace, with default.cpu or max.cpu. Ephemeral containers
// are not inspected: the API forbids resources on them.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(resourceCheck(check.Meta{
		ID:          "cpu-limit-missing",
		Title:       "CPU limit missing",
		Category:    check.DenialOfService,
		Severity:    check.Low,
		Description: "The container sets no CPU limit, so it can take every core of its node and starve the workloads and system daemons beside it.",
		Remediation: "Set resources.limits.cpu on the container, or give the namespace a LimitRange with a default CPU limit.",
		References:  []string{refResources, "https://kubernetes.io/docs/concepts/policy/limit-range/"},
	}, resourceSetting{Resource: corev1.ResourceCPU, Limit: true}, "missing cpu limits"))
}
