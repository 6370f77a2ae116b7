package scan

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
)

// TestMaterializeIsInReportOrder: the scanner puts findings in exactly the
// order report.Finalize requires, on both sides of the parallel sort's
// threshold, so Finalize never has to move them. Objects that share a
// namespace, name and kind but not a file, findings of one check on one
// object, and missing locations are all in the mix.
func TestMaterializeIsInReportOrder(t *testing.T) {
	for _, n := range []int{500, 40_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			var objs []*object.Object
			for i := range 300 {
				kind := []string{"Pod", "ConfigMap", "Deployment"}[rng.IntN(3)]
				o := &object.Object{APIVersion: "v1", Kind: kind, Meta: &metav1.ObjectMeta{
					Namespace: fmt.Sprintf("ns%d", rng.IntN(4)), Name: fmt.Sprintf("obj%d", rng.IntN(60)),
				}}
				if i%5 != 0 { // the others have no file, as in a cluster scan
					o.Origin = object.Origin{File: fmt.Sprintf("f%d.yaml", rng.IntN(3)), Line: 1 + rng.IntN(40)}
				}
				objs = append(objs, o)
			}
			s := New(Options{Registry: check.NewRegistry()})
			for i := range 4 {
				s.rules = append(s.rules, meta(fmt.Sprintf("check-%d", i), check.Medium))
			}
			for range n {
				rule := rng.IntN(len(s.rules))
				f := check.Finding{
					Object:   objs[rng.IntN(len(objs))],
					Path:     fmt.Sprintf("spec.containers[%d].image", rng.IntN(3)),
					Reason:   "r",
					Detail:   fmt.Sprintf("detail %d", rng.IntN(5)),
					Severity: check.Severity(rng.IntN(int(check.Critical) + 1)),
				}
				s.collect(&s.rules[rule], rule, result{findings: []check.Finding{f}})
			}
			src := s.source()
			got := make([]report.Finding, src.Len())
			src.Fill(got, 0)
			if len(got) != n {
				t.Fatalf("materialized %d findings, want %d", len(got), n)
			}
			r := &report.Report{Findings: slices.Clone(got)}
			r.Finalize()
			if diff := cmp.Diff(r.Findings, got); diff != "" {
				t.Errorf("the scanner's order differs from the report's (-report +scanner):\n%s", diff)
			}
			if diff := cmp.Diff(r.Summary, src.Summary()); diff != "" {
				t.Errorf("the scanner's summary differs from the report's (-report +scanner):\n%s", diff)
			}
			// Filled a piece at a time, at any offset, the same findings.
			for _, from := range []int{0, 1, n / 3, n - 7} {
				part := make([]report.Finding, min(4096, n-from))
				src.Fill(part, from)
				if diff := cmp.Diff(got[from:from+len(part)], part); diff != "" {
					t.Errorf("Fill(%d): (-whole +part):\n%s", from, diff)
				}
			}
		})
	}
}
