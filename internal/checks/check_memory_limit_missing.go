package checks

// A container without a memory limit can take all of its node's memory.
// The kernel's out-of-memory killer then picks victims among its
// neighbours, and the kubelet evicts pods that did nothing wrong; a memory
// leak or a crafted request becomes an outage for the whole node.
//
// Inspected fields:
//   spec.containers[*].resources.limits.memory
//   spec.initContainers[*].resources.limits.memory
// Allowed values: any quantity. The limit is also provided by a pod-level
// spec.resources.limits.memory, or by a Container LimitRange in the scan, in
// the workload's namespace, with default.memory or max.memory. Ephemeral
// containers are not inspected: the API forbids resources on them.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(resourceCheck(check.Meta{
		ID:          "memory-limit-missing",
		Title:       "Memory limit missing",
		Category:    check.DenialOfService,
		Severity:    check.Medium,
		Description: "The container sets no memory limit, so a leak or a hostile request can exhaust its node's memory. The out-of-memory killer and kubelet evictions then hit other workloads on the node.",
		Remediation: "Set resources.limits.memory on the container, or give the namespace a LimitRange with a default memory limit.",
		References:  []string{refResources, "https://kubernetes.io/docs/concepts/policy/limit-range/"},
	}, resourceSetting{Resource: corev1.ResourceMemory, Limit: true}, "missing memory limits"))
}
