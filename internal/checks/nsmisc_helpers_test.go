package checks

import (
	"context"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/source"
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
	c, ok := check.Default().Get(id)
	if !ok {
		t.Fatalf("check %s is not registered", id)
	}
	inv := inventory.New()
	if errs := source.Decode("test.yaml", []byte(manifests), inv.Add); len(errs) > 0 {
		t.Fatalf("manifests do not load: %v", errs)
	}
	var out []gotFinding
	for _, f := range check.Settle(c.Run(context.Background(), inv, defaultOptions), inv) {
		obj := f.Object.Kind + " " + f.Object.Name()
		if ns := f.Object.Namespace(); ns != "" {
			obj = f.Object.Kind + " " + ns + "/" + f.Object.Name()
		}
		out = append(out, gotFinding{Object: obj, Path: f.Path, Reason: f.Reason, Detail: f.Detail})
	}
	return out
}
