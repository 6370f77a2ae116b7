package checks

// A security setting that Kubernetes does not recognise where it is written
// is dropped without an error (unless the client asks for strict field
// validation): a readOnlyRootFilesystem in the pod-level securityContext, a
// misspelt "privilaged", or a key written twice of which only the last
// value counts. The manifest then reads as hardened while the pod runs
// without the setting.
//
// Inspected fields: the unknown and duplicate fields that strict decoding of
// a built-in kind reports (source.Object.Ignored).
// A field is a security setting when it lies inside a securityContext (or
// its capabilities, seLinuxOptions, seccompProfile, appArmorProfile,
// windowsOptions or sysctls), or when its name is, or is one or two edits
// away from, a field of the pod or container securityContext, a pod spec
// field that sets isolation or identity (securityContext, hostNetwork,
// hostPID, hostIPC, hostUsers, shareProcessNamespace,
// automountServiceAccountToken, runtimeClassName), or readOnly or
// recursiveReadOnly. Every other ignored field is reported by unknown-field.
// Allowed values: none; every ignored security setting is reported.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "ignored-security-setting",
			Title:       "Security setting ignored or set twice",
			Category:    check.Tampering,
			Topic:       check.TopicObjects,
			Severity:    check.High,
			Description: "Unless the client asks for strict field validation, the API server drops a security setting written where its kind has no such field or under a misspelt name, and keeps only the last of a key set twice, so the manifest looks hardened while the workload runs without the setting. A common case is readOnlyRootFilesystem or privileged in the pod-level securityContext, which has neither.",
			Remediation: "Move each setting to the field that holds it (the container securityContext for privileged, readOnlyRootFilesystem, allowPrivilegeEscalation and capabilities), fix misspelt names, and remove duplicate keys.",
			References:  []string{refSecurityContext, "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation", "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			return ignoredFieldFindings(inv, true)
		},
	})
}

// ignoredFieldFindings reports the ignored fields of every object that are
// (security true) or are not (security false) security settings, in load
// order and in the order the loader found them.
func ignoredFieldFindings(inv *inventory.Inventory, security bool) []check.Finding {
	var out []check.Finding
	for _, obj := range inv.Objects {
		for _, ig := range obj.Ignored {
			f := placeIgnored(obj, ig)
			if f.IsSecurity() != security {
				continue
			}
			reason := "unknown fields"
			switch {
			case security && f.Duplicate:
				reason = "duplicate security settings"
			case security:
				reason = "ignored security settings"
			case f.Duplicate:
				reason = "duplicate keys"
			}
			out = append(out, check.Finding{Object: obj, Path: f.Path, Reason: reason, Detail: f.Detail()})
		}
	}
	return out
}
