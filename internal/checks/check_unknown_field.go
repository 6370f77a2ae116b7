package checks

// A field that Kubernetes does not recognise is dropped without an error
// (unless the client asks for strict field validation), and of a key written
// twice only the last value counts: what is applied differs from what was
// reviewed.
//
// Inspected fields: the unknown and duplicate fields that strict decoding of
// a built-in kind reports (source.Object.Ignored), except the security
// settings that ignored-security-setting reports.
// Allowed values: none; every other ignored field is reported.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "unknown-field",
			Title:       "Unknown field or key set twice",
			Category:    check.Tampering,
			Topic:       check.TopicObjects,
			Severity:    check.Low,
			Description: "Unless the client asks for strict field validation, the API server drops a field that the object's kind does not have and keeps only the last value of a key set twice, so what runs differs from what was reviewed. Misspelt or misplaced fields are the usual cause.",
			Remediation: "Fix or remove each unknown field and each duplicate key, and validate manifests with kubectl apply --dry-run=server --validate=strict.",
			References:  []string{"https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			return ignoredFieldFindings(inv, false)
		},
	})
}
