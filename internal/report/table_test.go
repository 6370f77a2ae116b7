package report

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/golden"
)

// TestTableGroupByGolden renders the full report grouped by check and by
// resource, with and without colour.
func TestTableGroupByGolden(t *testing.T) {
	for _, by := range []string{GroupByCheck, GroupByResource} {
		for _, color := range []bool{false, true} {
			name := "full.table-by-" + by
			if color {
				name += "-color"
			}
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Render(&buf, "table", fullReport(), Options{GroupBy: by, Color: color}); err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join("testdata", name+".golden"), buf.Bytes())
			})
		}
	}
}

// TestTableGroupByDefault: no grouping and "category" are today's layout.
func TestTableGroupByDefault(t *testing.T) {
	var a, b bytes.Buffer
	if err := Render(&a, "table", fullReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, "table", fullReport(), Options{GroupBy: GroupByCategory}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("GroupBy %q differs from the default:\n%s\n---\n%s", GroupByCategory, a.String(), b.String())
	}
	if !strings.Contains(a.String(), "ElevationOfPrivilege (1)") {
		t.Fatalf("default table has no category heading:\n%s", a.String())
	}
}

func TestTableGroupByUnknown(t *testing.T) {
	var buf bytes.Buffer
	err := Render(&buf, "table", fullReport(), Options{GroupBy: "namespace"})
	if err == nil || !strings.Contains(err.Error(), `"namespace"`) {
		t.Fatalf("Render with an unknown grouping: err = %v, want one naming it", err)
	}
	if buf.Len() != 0 {
		t.Fatalf("Render wrote %q before rejecting the grouping", buf.String())
	}
}

// TestOtherFormatsIgnoreGroupBy: only the table groups.
func TestOtherFormatsIgnoreGroupBy(t *testing.T) {
	for _, format := range Formats() {
		if format == "table" {
			continue
		}
		var a, b bytes.Buffer
		if err := Render(&a, format, fullReport(), Options{}); err != nil {
			t.Fatal(err)
		}
		if err := Render(&b, format, fullReport(), Options{GroupBy: GroupByResource}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s output changes with GroupBy", format)
		}
	}
}

// TestTableGroupsHoldEveryFinding: each grouping lists every finding that
// counts exactly once, under the heading of its check or subject, with the
// heading's count.
func TestTableGroupsHoldEveryFinding(t *testing.T) {
	r := fullReport()
	for _, by := range []string{GroupByCheck, GroupByResource} {
		var buf bytes.Buffer
		if err := Render(&buf, "table", fullReport(), Options{GroupBy: by}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		listing, _, _ := strings.Cut(out, "\nSuppressed (")
		for _, f := range r.Findings {
			if f.Suppressed != nil {
				if strings.Contains(listing, firstLine(f.Message)) {
					t.Errorf("by %s: suppressed finding %q listed as counting", by, f.Message)
				}
				continue
			}
			if n := strings.Count(listing, firstLine(f.Message)); n != 1 {
				t.Errorf("by %s: message %q listed %d times, want 1", by, firstLine(f.Message), n)
			}
		}
	}
	var buf bytes.Buffer
	if err := Render(&buf, "table", r, Options{GroupBy: GroupByResource}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "Deployment payments/ledger (4: 1 critical, 1 medium, 1 low, 1 info)\n") {
		t.Errorf("by resource: no heading counting ledger's 4 findings:\n%s", buf.String())
	}
	buf.Reset()
	if err := Render(&buf, "table", fullReport(), Options{GroupBy: GroupByCheck}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "pss-privileged: Privileged container (1 critical)\n") {
		t.Errorf("by check: the most severe check does not come first:\n%s", buf.String())
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// rbacRoleReport has three findings on the ClusterRole "ops" with the same
// holder sentence, one on another role and a suppressed one.
func rbacRoleReport() *Report {
	ops := Resource{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Name: "ops"}
	dev := Resource{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role", Namespace: "dev", Name: "deployer"}
	held := `; bound to ServiceAccount kube-system/ci (used by Deployment kube-system/ci-runner) via ClusterRoleBinding "ops", User "alice" via ClusterRoleBinding "ops-alice"`
	meta := func(id check.ID, sev check.Severity) check.Meta {
		return check.Meta{ID: id, Title: string(id), Category: check.ElevationOfPrivilege, Severity: sev}
	}
	rules := []check.Meta{meta("rbac-escalate", check.Critical), meta("rbac-bind", check.Critical), meta("rbac-secrets-read", check.High)}
	f := func(m check.Meta, res Resource, line int, msg string) Finding {
		return Finding{ID: m.ID, Category: m.Category, Severity: m.Severity, Title: m.Title, Message: msg, Resource: res,
			Location: &Location{File: "rbac.yaml", Line: line}, Field: "rules[0]"}
	}
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "v0.4.0"},
		Rules:         rules,
		Findings: []Finding{
			f(rules[0], ops, 9, `ClusterRole "ops" grants escalate on roles (rules[0])`+held),
			f(rules[1], ops, 12, `ClusterRole "ops" grants bind on clusterroles (rules[1])`+held),
			f(rules[2], ops, 15, `ClusterRole "ops" grants get on secrets (rules[2])`+held),
			f(rules[2], dev, 40, `Role dev/deployer grants get on secrets (rules[0]); bound to ServiceAccount dev/app via RoleBinding dev/deployer`),
		},
	}
	r.Finalize()
	return r
}

// TestTableHolderSentenceOnce: in the table, the holder sentence of a role
// is spelled out for the role's first finding only, in every grouping; JSON
// keeps it in every finding.
func TestTableHolderSentenceOnce(t *testing.T) {
	const full = `bound to ServiceAccount kube-system/ci (used by Deployment kube-system/ci-runner) via ClusterRoleBinding "ops", User "alice" via ClusterRoleBinding "ops-alice"`
	for _, by := range GroupBys() {
		var buf bytes.Buffer
		if err := Render(&buf, "table", rbacRoleReport(), Options{GroupBy: by}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if n := strings.Count(out, full); n != 1 {
			t.Errorf("by %s: the holder sentence of ClusterRole \"ops\" appears %d times, want 1:\n%s", by, n, out)
		}
		if n := strings.Count(out, "; "+holdersAsAbove); n != 2 {
			t.Errorf("by %s: %d findings say %q, want 2:\n%s", by, n, holdersAsAbove, out)
		}
		if !strings.Contains(out, "bound to ServiceAccount dev/app via RoleBinding dev/deployer") {
			t.Errorf("by %s: the other role lost its holder sentence:\n%s", by, out)
		}
		if strings.Index(out, full) > strings.Index(out, holdersAsAbove) {
			t.Errorf("by %s: %q comes before the sentence it refers to:\n%s", by, holdersAsAbove, out)
		}
	}
	var buf bytes.Buffer
	if err := Render(&buf, "json", rbacRoleReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), strings.ReplaceAll(full, `"`, `\"`)); n != 3 {
		t.Errorf("JSON holds the holder sentence %d times, want it in each of the 3 findings", n)
	}
	if strings.Contains(buf.String(), holdersAsAbove) {
		t.Errorf("JSON shortens a holder sentence")
	}
}

// TestTableHolderSentenceFirstScreen: on a large report, the first screen
// shows the role's first critical finding whole; the full listing then
// refers back to it.
func TestTableHolderSentenceFirstScreen(t *testing.T) {
	r := rbacRoleReport()
	for i := 0; i < firstScreenFindings; i++ {
		r.Findings = append(r.Findings, Finding{ID: "rbac-secrets-read", Category: check.ElevationOfPrivilege, Severity: check.Low,
			Title: "rbac-secrets-read", Message: fmt.Sprintf("filler %d", i),
			Resource: Resource{Kind: "Role", Namespace: "dev", Name: fmt.Sprintf("r%d", i)}})
	}
	r.Finalize()
	var buf bytes.Buffer
	if err := Render(&buf, "table", r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	head, rest, ok := strings.Cut(out, "\nElevationOfPrivilege (")
	if !ok {
		t.Fatalf("no category listing:\n%s", out)
	}
	if !strings.Contains(head, "Critical and high first") || !strings.Contains(head, `ClusterRoleBinding "ops-alice"`) {
		t.Fatalf("first screen does not show the role's holders:\n%s", head)
	}
	if strings.Contains(rest, `ClusterRoleBinding "ops-alice"`) {
		t.Errorf("the listing repeats the holder sentence the first screen showed:\n%s", rest)
	}
}
