package fix

import (
	"github.com/pmezard/go-difflib/difflib"
)

// Diff returns the unified diff of r's file, as git diff writes it, or ""
// when nothing changed.
func (r *Result) Diff(original []byte) (string, error) {
	if !r.Changed() {
		return "", nil
	}
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(original)),
		B:        difflib.SplitLines(string(r.Data)),
		FromFile: "a/" + r.Name,
		ToFile:   "b/" + r.Name,
		Context:  3,
	})
}
