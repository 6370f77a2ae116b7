package checks

// A namespace whose Pod Security Admission enforce level is privileged
// admits pods with host namespaces, privileged containers and host paths:
// anyone who can create a pod there can take over the node.
//
// Inspected fields:
//   Namespace metadata.labels["pod-security.kubernetes.io/enforce"]
//   Namespace metadata.labels["pod-security.kubernetes.io/enforce-version"]
//   (named in the detail; it changes nothing at the privileged level)
// Allowed values: baseline, restricted.

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perNamespaceObject(check.Meta{
		ID:          "namespace-psa-privileged",
		Title:       "Namespace enforcing the privileged Pod Security Standard",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "The privileged level of the Pod Security Standards allows everything, including privileged containers, host namespaces and hostPath volumes, so anyone who can create a pod in the namespace can take over its node.",
		Remediation: "Set pod-security.kubernetes.io/enforce to baseline or restricted, and move workloads that truly need host access to a dedicated namespace whose exception is documented.",
		References:  []string{refPSA, refPSS + "#privileged"},
	}, namespacePSAPrivileged))
}

func namespacePSAPrivileged(ns inventory.Item[corev1.Namespace], _ *inventory.Namespace) []check.Finding {
	labels := ns.Value.Labels
	if labels[api.EnforceLevelLabel] != string(api.LevelPrivileged) {
		return nil
	}
	detail := namespaceNoun(ns.Name()) + " must not set " + api.EnforceLevelLabel + "=privileged"
	if v, ok := labels[api.EnforceVersionLabel]; ok {
		detail += " (" + api.EnforceVersionLabel + "=" + labelValue(v) + " does not restrict the privileged level)"
	}
	return []check.Finding{{
		Path:   labelPath(api.EnforceLevelLabel),
		Reason: "privileged pod security level enforced",
		Detail: detail,
	}}
}
