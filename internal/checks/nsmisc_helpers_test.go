package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// gotFinding is the part of a finding a check's unit test asserts: the
// object as "Kind namespace/name", the path, the reason and the detail.
type gotFinding struct {
	Object string
	Path   string
	Reason string
	Detail string
}

// runCheckOnYAML loads manifests (a YAML stream) and runs the registered
// check id on them.
func runCheckOnYAML(t *testing.T, id check.ID, manifests string) []gotFinding {
	t.Helper()
	var out []gotFinding
	for _, f := range runOn(t, registered(t, id), "test.yaml", []byte(manifests)) {
		obj := f.Object.Kind + " " + f.Object.Name()
		if ns := f.Object.Namespace(); ns != "" {
			obj = f.Object.Kind + " " + ns + "/" + f.Object.Name()
		}
		out = append(out, gotFinding{Object: obj, Path: f.Path, Reason: f.Reason, Detail: f.Detail})
	}
	return out
}
