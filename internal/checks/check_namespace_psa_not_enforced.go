package checks

// A namespace without a Pod Security Admission enforce label admits any pod
// the cluster-wide default allows, which is "privileged" unless the admission
// configuration says otherwise: warn and audit labels only report violations,
// they never stop a pod.
//
// Inspected fields:
//   Namespace metadata.labels["pod-security.kubernetes.io/enforce"]
//   Namespace metadata.labels["pod-security.kubernetes.io/warn"] and
//   metadata.labels["pod-security.kubernetes.io/audit"] (named in the detail)
// Allowed values: enforce set to privileged, baseline or restricted (the
// namespace-psa-privileged check judges privileged).

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perNamespaceObject(check.Meta{
		ID:          "namespace-psa-not-enforced",
		Title:       "Namespace without Pod Security Admission enforcement",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "Without a pod-security.kubernetes.io/enforce label, Pod Security Admission admits every pod the cluster-wide default allows, which is privileged unless the admission configuration changes it; warn and audit labels only report violations. An enforce label with a value other than privileged, baseline or restricted is refused by Pod Security Admission when the namespace is created or relabelled.",
		Remediation: "Label the namespace with pod-security.kubernetes.io/enforce=restricted (or baseline where restricted cannot be met).",
		References:  []string{refPSA, refPSS, "https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/"},
	}, namespacePSANotEnforced))
}

func namespacePSANotEnforced(ns inventory.Item[corev1.Namespace], _ *inventory.Namespace) []check.Finding {
	labels := ns.Value.Labels
	level, ok := labels[api.EnforceLevelLabel]
	if !ok {
		detail := namespaceNoun(ns.Name()) + " must set " + api.EnforceLevelLabel
		var only []string
		for _, mode := range []struct{ name, label string }{{"warn", api.WarnLevelLabel}, {"audit", api.AuditLevelLabel}} {
			if v, set := labels[mode.label]; set {
				only = append(only, mode.name+"="+labelValue(v))
			}
		}
		if len(only) > 0 {
			detail += " (it only sets " + strings.Join(only, ", ") + ")"
		}
		return []check.Finding{{
			Path:   labelsPath(labels),
			Reason: "pod security admission not enforced",
			Detail: detail,
		}}
	}
	if _, err := api.ParseLevel(level); err != nil {
		return []check.Finding{{
			Path:   labelPath(api.EnforceLevelLabel),
			Reason: "invalid pod security admission level",
			Detail: namespaceNoun(ns.Name()) + " must set " + api.EnforceLevelLabel + " to privileged, baseline or restricted, not " + strconv.Quote(level),
		}}
	}
	return nil
}

// labelValue writes a label value for a detail, quoting it when it is empty
// or holds characters a plain value would not.
func labelValue(v string) string {
	if v == "" || strings.ContainsAny(v, " \t\n\",=") {
		return strconv.Quote(v)
	}
	return v
}
