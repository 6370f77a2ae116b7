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

// TestEvaluateWithContextual runs service-account-token-automount, which
// reads the pod's ServiceAccount and the bindings naming it, as a
// contextual check: given those objects beside the pod, the Evaluator
// reports about the pod exactly what a scan of them all reports.
func TestEvaluateWithContextual(t *testing.T) {
	const id = "service-account-token-automount"
	cases := map[string]string{
		"no account": ``,
		"bound account": `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-reads, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
`,
		"account without token": `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
automountServiceAccountToken: false
`,
	}
	const pod = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: web
  containers: [{name: app, image: app:1}]
`
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	opts := Options{Check: restrictedLatest, Now: now, Only: []check.ID{id}, Contextual: []check.ID{id}}
	ev := NewEvaluator(opts)
	if len(ev.Contextual()) != 1 {
		t.Fatalf("contextual checks: %v", ev.Contextual())
	}
	var got []string
	for name, around := range cases {
		var objs []*object.Object
		if errs := source.Decode("in.yaml", []byte(pod+"---\n"+around), func(o *object.Object) { objs = append(objs, o) }); len(errs) > 0 {
			t.Fatal(errs)
		}
		s := New(opts)
		for _, o := range objs {
			s.Add(context.Background(), o, nil)
		}
		var want []string
		for _, f := range s.Report(context.Background(), nil).Findings {
			if f.Resource.Kind == "Pod" {
				want = append(want, describe(f.ID, f.Message+" "+f.Severity.String(), f.Location, false))
			}
		}
		fs, errs := ev.EvaluateWith(context.Background(), objs[0], objs[1:], nil, now)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		var gotCase []string
		for _, f := range fs {
			gotCase = append(gotCase, describe(f.ID, f.Message+" "+f.Severity.String(), f.Location, false))
			if f.Reason != "automounted service account tokens" {
				t.Errorf("%s: reason %q", name, f.Reason)
			}
		}
		if diff := cmp.Diff(want, gotCase); diff != "" {
			t.Errorf("%s: EvaluateWith differs from a scan (-scan +evaluate):\n%s", name, diff)
		}
		got = append(got, gotCase...)
		// Without the objects beside it, the account is taken to mount its
		// token, as a scan without it takes it.
		if fs, _ := ev.Evaluate(context.Background(), objs[0], nil, now); name == "account without token" && len(fs) != 1 {
			t.Errorf("Evaluate alone: %d findings, want the automount finding the account excuses", len(fs))
		}
	}
	if len(got) != 2 {
		t.Errorf("findings over the cases: %q, want one with no account and one with a bound one", got)
	}
}
