package checks

// Container logs, writable layers and emptyDir volumes live on the node's
// disk. A container without an ephemeral-storage limit can fill that disk,
// which puts the node under disk pressure and gets other pods evicted.
//
// Inspected fields:
//   spec.containers[*].resources.limits.ephemeral-storage
//   spec.initContainers[*].resources.limits.ephemeral-storage
// Allowed values: any quantity. The limit is also provided by a Container
// LimitRange in the scan, in the workload's namespace, with
// default.ephemeral-storage or max.ephemeral-storage. Ephemeral containers
// are not inspected: the API forbids resources on them.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(resourceCheck(check.Meta{
		ID:          "ephemeral-storage-limit-missing",
		Title:       "Ephemeral storage limit missing",
		Category:    check.DenialOfService,
		Severity:    check.Low,
		Description: "The container sets no ephemeral-storage limit, so its logs, writable layer and emptyDir volumes can fill the node's disk, causing disk pressure and the eviction of other pods.",
		Remediation: "Set resources.limits.ephemeral-storage on the container, or give the namespace a LimitRange with a default ephemeral-storage limit.",
		References:  []string{refResources + "#local-ephemeral-storage", "https://kubernetes.io/docs/concepts/policy/limit-range/"},
	}, resourceSetting{Resource: corev1.ResourceEphemeralStorage, Limit: true}, "missing ephemeral-storage limits"))
}
