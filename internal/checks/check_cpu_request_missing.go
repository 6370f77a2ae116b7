package checks

// Without a CPU request the scheduler places a container as if it needed no
// CPU, and under contention it gets the smallest share of the node. Nodes
// are overcommitted, and the workload is the first to starve when a
// neighbour gets busy.
//
// Inspected fields:
//   spec.containers[*].resources.requests.cpu
//   spec.initContainers[*].resources.requests.cpu
// Allowed values: any quantity. A CPU limit provides the request too (the
// API server copies it), as do a pod-level spec.resources and a Container
// LimitRange in the scan, in the workload's namespace, with
// defaultRequest.cpu, default.cpu, max.cpu or min.cpu. Ephemeral containers
// are not inspected: the API forbids resources on them.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(resourceCheck(check.Meta{
		ID:          "cpu-request-missing",
		Title:       "CPU request missing",
		Category:    check.DenialOfService,
		Severity:    check.Low,
		Description: "The container requests no CPU, so the scheduler overcommits its node and, under contention, the container gets the smallest share of CPU and starves first.",
		Remediation: "Set resources.requests.cpu on the container to what it needs at steady load.",
		References:  []string{refResources, "https://kubernetes.io/docs/concepts/policy/limit-range/"},
	}, resourceSetting{Resource: corev1.ResourceCPU}, "missing cpu requests"))
}
