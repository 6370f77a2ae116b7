package checks

// A namespace without a ResourceQuota lets its workloads (or anyone who can
// create objects there) consume the cluster's CPU, memory, storage and object
// counts without bound, starving every other namespace.
//
// Inspected objects: the ResourceQuota objects whose metadata.namespace is
// the Namespace's name, in the same scan.
// Allowed values: at least one ResourceQuota.

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perNamespaceObject(check.Meta{
		ID:          "namespace-resource-quota-missing",
		Title:       "Namespace without a ResourceQuota",
		Category:    check.DenialOfService,
		Severity:    check.Medium,
		Description: "Without a ResourceQuota nothing caps the CPU, memory, storage or object count a namespace may claim, so one runaway or compromised workload can starve the rest of the cluster.",
		Remediation: "Add a ResourceQuota to the namespace that caps requests and limits for CPU and memory, storage and object counts.",
		References:  []string{"https://kubernetes.io/docs/concepts/policy/resource-quotas/", refHardening},
	}, namespaceResourceQuotaMissing))
}

func namespaceResourceQuotaMissing(ns inventory.Item[corev1.Namespace], in *inventory.Namespace) []check.Finding {
	if len(in.ResourceQuotas) > 0 {
		return nil
	}
	return []check.Finding{{
		Path:   "metadata",
		Reason: "no resource quota",
		Detail: namespaceNoun(ns.Name()) + " must have a ResourceQuota",
	}}
}
