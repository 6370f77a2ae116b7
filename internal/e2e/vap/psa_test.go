package vap

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/export"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/psatestdata"
	"github.com/kubestride/kubestride/internal/pss"
	"github.com/kubestride/kubestride/internal/scan"
	"github.com/kubestride/kubestride/internal/source"
)

// kubestrideVerdict runs the scan's Evaluator, restricted to the checks
// only (contextual ones included), on obj alone: allowed when it reports
// no finding that is not suppressed.
func kubestrideVerdict(ctx context.Context, ev *scan.Evaluator, obj *object.Object) (allowed bool, detail string, err error) {
	findings, errs := ev.EvaluateWith(ctx, obj, nil, nil, time.Now())
	if len(errs) > 0 {
		return false, "", fmt.Errorf("%s", errs[0].Message)
	}
	var msgs []string
	for _, f := range findings {
		if f.Suppressed == nil {
			msgs = append(msgs, string(f.ID)+": "+f.Message)
		}
	}
	return len(msgs) == 0, strings.Join(msgs, "; "), nil
}

// readObjects reads the objects of a fixture file as a scan does.
func readObjects(file string) ([]*object.Object, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var objs []*object.Object
	if errs := source.Decode(file, data, func(o *object.Object) { objs = append(objs, o) }); len(errs) > 0 {
		return objs, fmt.Errorf("%s: %s", file, errs[0].Message)
	}
	return objs, nil
}

// TestPodSecurityAdmissionFixtures exports the Pod Security Standards
// controls at every level and version Pod Security Admission ships
// fixtures for, loads the policies (validationActions Deny) and sends
// every fixture through the API server as a dry-run create into the
// namespace of its level and version. The API server's verdict must equal
// kubestride's own (the scan's Evaluator with the PSS checks, at that level
// and version, on the same pod), and the fixture's expected outcome.
// Fixtures the API server refuses as invalid before admission are listed
// and counted apart, and may be no more than 1%.
func TestPodSecurityAdmissionFixtures(t *testing.T) {
	root, err := psatestdata.Root()
	if err != nil {
		t.Fatalf("cannot find the Pod Security Admission fixtures (is %s in the module cache? run go mod download): %v", psatestdata.Module, err)
	}
	fixtures, err := psatestdata.All(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	type level struct {
		lv api.LevelVersion
		ns string
		ev *scan.Evaluator
	}
	levels := map[string]*level{}
	var namespaces []string
	var l loaded
	for _, fx := range fixtures {
		key := string(fx.Level) + "/" + fx.Version
		if levels[key] != nil {
			continue
		}
		lv, err := pss.ParseLevelVersion(string(fx.Level), fx.Version)
		if err != nil {
			t.Fatal(err)
		}
		ns := "vap-psa-" + string(fx.Level) + "-" + strings.ReplaceAll(fx.Version, ".", "-")
		if err := testclusterNamespace(ns); err != nil {
			t.Fatal(err)
		}
		res, err := export.Export(export.Options{PSS: lv, Checks: export.PSSChecks()})
		if err != nil {
			t.Fatal(err)
		}
		l.add(t, res, ns)
		levels[key] = &level{lv: lv, ns: ns, ev: scan.NewEvaluator(scan.Options{Only: export.PSSChecks(), Check: check.Options{PSS: lv}})}
		namespaces = append(namespaces, ns)
	}
	l.apply(t, namespaces)

	type result struct {
		server     verdict
		ours       bool
		oursDetail string
		err        error
		level      string
		file       string
		pass       bool
	}
	results := make([]result, len(fixtures))
	start := time.Now()
	replay(len(fixtures), func(i int) {
		fx := fixtures[i]
		key := string(fx.Level) + "/" + fx.Version
		r := &results[i]
		r.level, r.file, r.pass = key, strings.TrimPrefix(fx.File, root+"/"), fx.Pass
		objs, err := readObjects(fx.File)
		if err != nil || len(objs) != 1 {
			r.err = fmt.Errorf("read fixture: %v (%d objects)", err, len(objs))
			return
		}
		lvl := levels[key]
		if r.ours, r.oursDetail, r.err = kubestrideVerdict(ctx, lvl.ev, objs[0]); r.err != nil {
			return
		}
		u, err := toUnstructured(objs[0])
		if err != nil {
			r.err = err
			return
		}
		r.server = classify(createDryRun(t, u, lvl.ns))
	})
	elapsed := time.Since(start)

	type tally struct{ fixtures, agree, expected, denied, refused int }
	by := map[string]*tally{}
	var total tally
	var disagreements, refused []string
	for _, r := range results {
		d := by[r.level]
		if d == nil {
			d = &tally{}
			by[r.level] = d
		}
		for _, c := range []*tally{d, &total} {
			c.fixtures++
			switch {
			case r.err != nil || r.server.err != nil:
			case r.server.refused != "":
				c.refused++
			default:
				if r.server.allowed == r.ours {
					c.agree++
				}
				if r.ours == r.pass {
					c.expected++
				}
				if !r.server.allowed {
					c.denied++
				}
			}
		}
		switch {
		case r.err != nil:
			disagreements = append(disagreements, fmt.Sprintf("%s: %v", r.file, r.err))
		case r.server.err != nil:
			disagreements = append(disagreements, fmt.Sprintf("%s: %v", r.file, r.server.err))
		case r.server.refused != "":
			refused = append(refused, fmt.Sprintf("%s: %s", r.file, r.server.refused))
		case r.server.allowed != r.ours:
			disagreements = append(disagreements, fmt.Sprintf("%s (expected %s): API server %s; kubestride %s", r.file, word(r.pass), r.server, oursWord(r.ours, r.oursDetail)))
		case r.ours != r.pass:
			disagreements = append(disagreements, fmt.Sprintf("%s: both %s, the fixture expects %s", r.file, word(r.ours), word(r.pass)))
		}
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return psatestdata.LevelVersionLess(keys[i], keys[j]) })
	var b strings.Builder
	for _, k := range keys {
		c := by[k]
		fmt.Fprintf(&b, "\n  %-16s %3d fixtures, %3d agree, %3d denied, %d refused", k, c.fixtures, c.agree, c.denied, c.refused)
	}
	t.Logf("%d Pod Security Admission fixtures replayed in %d level/version namespaces in %s: the API server agrees with kubestride on %d, kubestride with the fixture on %d; %d denied; %d refused before admission:%s",
		total.fixtures, len(by), elapsed.Round(time.Millisecond), total.agree, total.expected, total.denied, total.refused, b.String())
	if len(refused) > 0 {
		t.Logf("%d fixtures refused by the API server before admission:\n%s", len(refused), strings.Join(refused, "\n"))
	}
	if len(refused) > len(fixtures)/100 {
		t.Errorf("%d of %d fixtures refused before admission: too few compared", len(refused), len(fixtures))
	}
	if len(disagreements) > 0 {
		t.Errorf("%d disagreements:\n%s", len(disagreements), strings.Join(disagreements, "\n"))
	}
}

func word(allowed bool) string {
	if allowed {
		return "allowed"
	}
	return "denied"
}

func oursWord(allowed bool, detail string) string {
	if allowed {
		return "allowed"
	}
	return "denied: " + detail
}
