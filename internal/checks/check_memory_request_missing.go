package checks

// Without a memory request the scheduler places a container as if it needed
// no memory, and the kubelet evicts it first when the node runs short
// (BestEffort or Burstable above its request). Nodes are overcommitted and
// the workload becomes the easiest one to knock over.
//
// Inspected fields:
//   spec.containers[*].resources.requests.memory
//   spec.initContainers[*].resources.requests.memory
// Allowed values: any quantity. A memory limit provides the request too
// (the API server copies it), as do a pod-level spec.resources and a
// Container LimitRange in the scan, in the workload's namespace, with
// defaultRequest.memory, default.memory, max.memory or min.memory. Ephemeral
// containers are not inspected: the API forbids resources on them.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(resourceCheck(check.Meta{
		ID:          "memory-request-missing",
		Title:       "Memory request missing",
		Category:    check.DenialOfService,
		Severity:    check.Low,
		Description: "The container requests no memory, so the scheduler overcommits its node and the kubelet evicts the pod first when memory runs short.",
		Remediation: "Set resources.requests.memory on the container to what it needs at steady load.",
		References:  []string{refResources, "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/"},
	}, resourceSetting{Resource: corev1.ResourceMemory}, "missing memory requests"))
}
