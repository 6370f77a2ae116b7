package report_test

import (
	"slices"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	_ "github.com/kubestride/kubestride/internal/checks" // registers the catalogue
	"github.com/kubestride/kubestride/internal/report"
)

// TestEveryCheckHasAControl holds the control table to the registry: every
// registered check verifies one control of the threat model, the table
// names no check that does not exist, and every control has a check.
func TestEveryCheckHasAControl(t *testing.T) {
	all := check.Default().All()
	if len(all) < 100 {
		t.Fatalf("only %d checks registered: the catalogue was not loaded", len(all))
	}
	used := map[report.Control]bool{}
	for _, c := range all {
		id := c.Meta().ID
		ctl, ok := report.ControlOf(id)
		if !ok {
			t.Errorf("check %s maps to no control: add it to controlOfCheck in internal/report/controls.go", id)
			continue
		}
		if !slices.Contains(report.Controls, ctl) {
			t.Errorf("check %s maps to %q, which is not in report.Controls", id, ctl)
		}
		used[ctl] = true
	}
	for _, ctl := range report.Controls {
		if !used[ctl] {
			t.Errorf("control %s (%s) has no check", ctl, ctl.Title())
		}
		if ctl.Title() == string(ctl) {
			t.Errorf("control %s has no title", ctl)
		}
	}
	for _, id := range report.ControlTable() {
		if _, ok := check.Default().Get(id); !ok {
			t.Errorf("the control table names %s, which is not a registered check", id)
		}
	}
}
