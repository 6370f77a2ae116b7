package vap

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/export"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/scan"
)

// TestCheckFixtures exports each exportable check on its own (kubestride's
// own checks, and each Pod Security Standards control at its level, latest
// version), loads its policy (validationActions Deny) bound to a namespace
// of its own, and sends every object of the check's pass and fail fixtures
// (internal/checks/testdata/<id>/) through the API server as a dry-run
// create into that namespace. The API server's verdict on each object must
// equal kubestride's (the scan's Evaluator with that check alone, on the
// object alone). Objects the API server refuses before admission (invalid,
// or custom resources it does not serve) are listed and counted apart.
func TestCheckFixtures(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join("..", "..", "checks", "testdata")
	ids := append(export.Exportable(), export.PSSChecks()...)
	slices.Sort(ids)
	type target struct {
		id check.ID
		ns string
		ev *scan.Evaluator
	}
	var targets []target
	var namespaces []string
	var l loaded
	for _, id := range ids {
		var res *export.Result
		var lv api.LevelVersion
		for _, level := range []api.Level{api.LevelRestricted, api.LevelBaseline} {
			lv = api.LevelVersion{Level: level, Version: api.LatestVersion()}
			r, err := export.Export(export.Options{PSS: lv, Checks: []check.ID{id}})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Policies) == 1 {
				res = r
				break
			}
		}
		if res == nil {
			t.Errorf("check %s is exported at neither restricted:latest nor baseline:latest", id)
			continue
		}
		ns := "vap-check-" + string(id)
		if err := testclusterNamespace(ns); err != nil {
			t.Fatal(err)
		}
		l.add(t, res, ns)
		ev := scan.NewEvaluator(scan.Options{Only: []check.ID{id}, Contextual: []check.ID{id}, Check: check.Options{PSS: lv}})
		targets = append(targets, target{id: id, ns: ns, ev: ev})
		namespaces = append(namespaces, ns)
	}
	l.apply(t, namespaces)

	type item struct {
		t    target
		file string
		obj  *object.Object
	}
	var items []item
	var readErrs []string
	for _, tg := range targets {
		files, _ := filepath.Glob(filepath.Join(dir, string(tg.id), "*", "*.yaml"))
		if len(files) == 0 {
			t.Errorf("check %s has no fixtures under %s", tg.id, dir)
		}
		for _, f := range files {
			objs, err := readObjects(f)
			if err != nil {
				readErrs = append(readErrs, err.Error())
			}
			for _, o := range objs {
				items = append(items, item{t: tg, file: strings.TrimPrefix(f, dir+string(os.PathSeparator)), obj: o})
			}
		}
	}
	type result struct {
		server     verdict
		ours       bool
		oursDetail string
		err        error
	}
	results := make([]result, len(items))
	start := time.Now()
	replay(len(items), func(i int) {
		it, r := items[i], &results[i]
		if r.ours, r.oursDetail, r.err = kubestrideVerdict(ctx, it.t.ev, it.obj); r.err != nil {
			return
		}
		u, err := toUnstructured(it.obj)
		if err != nil {
			r.err = err
			return
		}
		r.server = classify(createDryRun(t, u, it.t.ns))
	})
	elapsed := time.Since(start)

	type tally struct{ objects, agree, denied, refused int }
	by := map[check.ID]*tally{}
	var total tally
	var disagreements, refused []string
	for i, r := range results {
		it := items[i]
		d := by[it.t.id]
		if d == nil {
			d = &tally{}
			by[it.t.id] = d
		}
		what := fmt.Sprintf("%s %s %q", it.file, it.obj.Kind, it.obj.Name())
		for _, c := range []*tally{d, &total} {
			c.objects++
			switch {
			case r.err != nil || r.server.err != nil:
			case r.server.refused != "":
				c.refused++
			default:
				if r.server.allowed == r.ours {
					c.agree++
				}
				if !r.server.allowed {
					c.denied++
				}
			}
		}
		switch {
		case r.err != nil:
			disagreements = append(disagreements, fmt.Sprintf("%s: %v", what, r.err))
		case r.server.err != nil:
			disagreements = append(disagreements, fmt.Sprintf("%s: %v", what, r.server.err))
		case r.server.refused != "":
			refused = append(refused, fmt.Sprintf("%s: %s", what, r.server.refused))
		case r.server.allowed != r.ours:
			disagreements = append(disagreements, fmt.Sprintf("%s: API server %s; kubestride %s", what, r.server, oursWord(r.ours, r.oursDetail)))
		}
	}
	checkIDs := make([]check.ID, 0, len(by))
	for id := range by {
		checkIDs = append(checkIDs, id)
	}
	sort.Slice(checkIDs, func(i, j int) bool { return checkIDs[i] < checkIDs[j] })
	var b strings.Builder
	for _, id := range checkIDs {
		c := by[id]
		fmt.Fprintf(&b, "\n  %-34s %3d objects, %3d agree, %3d denied, %d refused", id, c.objects, c.agree, c.denied, c.refused)
	}
	t.Logf("%d fixture objects of %d exported checks replayed in %s: the API server agrees with kubestride on %d; %d denied; %d refused before admission:%s",
		total.objects, len(by), elapsed.Round(time.Millisecond), total.agree, total.denied, total.refused, b.String())
	if len(readErrs) > 0 {
		t.Logf("%d fixture files with documents kubestride itself cannot read (their other objects are replayed):\n%s", len(readErrs), strings.Join(readErrs, "\n"))
	}
	if len(refused) > 0 {
		t.Logf("%d objects refused by the API server before admission:\n%s", len(refused), strings.Join(refused, "\n"))
	}
	if total.agree == 0 {
		t.Error("no object was compared")
	}
	if len(disagreements) > 0 {
		t.Errorf("%d disagreements:\n%s", len(disagreements), strings.Join(disagreements, "\n"))
	}
}
