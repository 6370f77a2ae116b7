package checks

// A namespace without a LimitRange gives containers that declare no
// resources no default requests or limits, so they run unbounded (and a
// ResourceQuota on CPU or memory then rejects them outright).
//
// Inspected objects: the LimitRange objects whose metadata.namespace is the
// Namespace's name, in the same scan.
// Allowed values: at least one LimitRange.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perNamespaceObject(check.Meta{
		ID:          "namespace-limit-range-missing",
		Title:       "Namespace without a LimitRange",
		Category:    check.DenialOfService,
		Severity:    check.Low,
		Description: "Without a LimitRange, containers that declare no resources get no default requests or limits and may use a whole node's CPU and memory.",
		Remediation: "Add a LimitRange to the namespace that sets default and maximum CPU and memory for containers.",
		References:  []string{"https://kubernetes.io/docs/concepts/policy/limit-range/", refResources},
	}, namespaceLimitRangeMissing))
}

func namespaceLimitRangeMissing(ns inventory.Item[corev1.Namespace], in *inventory.Namespace) []check.Finding {
	if len(in.LimitRanges) > 0 {
		return nil
	}
	return []check.Finding{{
		Path:   "metadata",
		Reason: "no limit range",
		Detail: namespaceNoun(ns.Name()) + " must have a LimitRange",
	}}
}
