package scan

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/source"
)

const evaluatedPods = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  hostPID: true
  containers:
  - name: app
    image: nginx
    securityContext: {privileged: true}
---
apiVersion: v1
kind: Pod
metadata:
  name: agent
  namespace: ops
  annotations: {kubestride.io/ignore.pss-privileged: "the node agent needs it (SEC-7)"}
spec:
  containers:
  - name: agent
    image: agent@sha256:0000000000000000000000000000000000000000000000000000000000000000
    securityContext: {privileged: true}
`

// TestEvaluatorMatchesTheScan evaluates objects one at a time, as the
// admission webhook does, and requires for each exactly the local checks'
// findings that a scan of that object alone reports, suppressions included;
// evaluations run at once give the same answers.
func TestEvaluatorMatchesTheScan(t *testing.T) {
	cfg, err := config.Parse([]byte("exemptions:\n- namespace: shop\n  checks: [image-latest-tag]\n  reason: a test (SEC-8)\n"), check.Default())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	opts := Options{Config: cfg, Check: restrictedLatest, Now: now}
	ev := NewEvaluator(opts)
	var objs []*object.Object
	if errs := source.Decode("pods.yaml", []byte(evaluatedPods), func(o *object.Object) { objs = append(objs, o) }); len(errs) > 0 {
		t.Fatal(errs)
	}
	local := map[check.ID]bool{}
	for _, m := range ev.Rules() {
		local[m.ID] = true
	}
	for _, obj := range objs {
		s := New(opts)
		s.Add(context.Background(), obj, nil)
		r := s.Report(context.Background(), nil)
		var want []string
		for _, f := range r.Findings {
			if local[f.ID] {
				want = append(want, describe(f.ID, f.Message, f.Location, f.Suppressed != nil))
			}
		}
		got, errs := ev.Evaluate(context.Background(), obj, nil, now)
		if len(errs) > 0 {
			t.Fatalf("errors: %v", errs)
		}
		var gotS []string
		for _, f := range got {
			gotS = append(gotS, describe(f.ID, f.Message, f.Location, f.Suppressed != nil))
		}
		if diff := cmp.Diff(want, gotS); diff != "" {
			t.Errorf("%s: Evaluate differs from a scan (-scan +evaluate):\n%s", obj.Name(), diff)
		}
		if len(want) == 0 {
			t.Errorf("%s: no findings to compare", obj.Name())
		}
		// At once, from many goroutines: the same answer.
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				again, _ := ev.Evaluate(context.Background(), obj, nil, now)
				if len(again) != len(got) {
					t.Errorf("%s: %d findings on a concurrent evaluation, want %d", obj.Name(), len(again), len(got))
				}
			})
		}
		wg.Wait()
	}
}

func describe(id check.ID, msg string, loc *report.Location, suppressed bool) string {
	s := fmt.Sprintf("%s: %s at %+v", id, msg, *loc)
	if suppressed {
		s += " (suppressed)"
	}
	return s
}

// BenchmarkEvaluate compares judging one pod with a prepared Evaluator (as
// the admission webhook does) with a scan of that pod alone.
func BenchmarkEvaluate(b *testing.B) {
	var objs []*object.Object
	if errs := source.Decode("pods.yaml", []byte(evaluatedPods), func(o *object.Object) { objs = append(objs, o) }); len(errs) > 0 {
		b.Fatal(errs)
	}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	opts := Options{Check: restrictedLatest, Now: now}
	ctx := context.Background()
	b.Run("evaluator", func(b *testing.B) {
		ev := NewEvaluator(opts)
		b.ReportAllocs()
		for b.Loop() {
			if f, _ := ev.Evaluate(ctx, objs[0], nil, now); len(f) == 0 {
				b.Fatal("no findings")
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := New(opts)
			s.Add(ctx, objs[0], nil)
			if r := s.Report(ctx, nil); len(r.Findings) == 0 {
				b.Fatal("no findings")
			}
		}
	})
}
