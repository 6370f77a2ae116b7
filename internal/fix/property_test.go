package fix

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/image/imagetest"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/pss"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scan"
	"github.com/kubestride/kubestride/internal/scope"
	"github.com/kubestride/kubestride/internal/source"
)

// findingKey is a finding by check and object.
type findingKey struct {
	id  check.ID
	res report.Resource
}

// scanFiles scans files as kubestride scan does, independently of Run.
func scanFiles(t *testing.T, files []File) map[findingKey]int {
	t.Helper()
	var objs []*object.Object
	placer := scope.NewPlacer("default")
	for _, f := range files {
		if errs := source.Decode(f.Name, f.Data, func(o *object.Object) { placer.Place(o); objs = append(objs, o) }); len(errs) > 0 {
			t.Fatalf("%s: %v", f.Name, errs[0])
		}
	}
	lv, err := pss.ParseLevelVersion("restricted", "latest")
	if err != nil {
		t.Fatal(err)
	}
	rep := scan.Run(context.Background(), inventory.Build(objs), nil, scan.Options{Check: check.Options{PSS: lv}})
	out := map[findingKey]int{}
	for _, f := range rep.Findings {
		if f.Suppressed == nil {
			out[findingKey{f.ID, f.Resource}]++
		}
	}
	return out
}

// kubectlObjects reads data as kubectl does: documents split by its YAML
// reader, each converted by sigs.k8s.io/yaml.
func kubectlObjects(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	r := yaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []map[string]any
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		j, err := sigsyaml.YAMLToJSON(doc)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(j, &m); err != nil {
			t.Fatal(err)
		}
		if m != nil {
			out = append(out, m)
		}
	}
}

// sourceObjects reads data through internal/source.
func sourceObjects(t *testing.T, name string, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	errs := source.Decode(name, data, func(o *object.Object) {
		m, err := Generic(o)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	return out
}

// checkFixed holds a fix of files to what it promises: every finding it
// changed something for is gone unless a part of it was left; no finding
// is new; and both kubectl's reader and kubestride's read the fixed text to
// the objects they read before but for the fields the fix created.
func checkFixed(t *testing.T, files []File, results []Result) {
	t.Helper()
	before, after := scanFiles(t, files), scanFiles(t, resultFiles(results))
	for k, n := range after {
		if n > before[k] {
			t.Errorf("new finding after the fix: %s on %s %s", k.id, k.res.Kind, k.res.Name)
		}
	}
	for _, r := range results {
		if r.Err != nil {
			continue
		}
		left := map[findingKey]bool{}
		for _, l := range r.Left {
			left[findingKey{l.Check, l.Resource}] = true
		}
		for _, c := range r.Changes {
			k := findingKey{c.Check, c.Resource}
			if !left[k] && after[k] > 0 {
				t.Errorf("%s: %s on %s %s is still found after %q", r.Name, c.Check, c.Resource.Kind, c.Resource.Name, c.Message)
			}
		}
		var orig []byte
		for _, f := range files {
			if f.Name == r.Name {
				orig = f.Data
			}
		}
		for reader, read := range map[string]func([]byte) []map[string]any{
			"kubectl":    func(d []byte) []map[string]any { return kubectlObjects(t, d) },
			"kubestride": func(d []byte) []map[string]any { return sourceObjects(t, r.Name, d) },
		} {
			was, now := read(orig), read(r.Data)
			if len(was) != len(now) {
				t.Fatalf("%s through %s: %d objects, then %d", r.Name, reader, len(was), len(now))
			}
			for i := range now {
				var created []string
				var replaced []Change
				for _, c := range r.Changes {
					if c.Resource.Kind == fmt.Sprint(now[i]["kind"]) && c.Resource.Name == fmt.Sprint(now[i]["metadata"].(map[string]any)["name"]) {
						if c.Replaced != "" {
							replaced = append(replaced, c)
						} else {
							created = append(created, c.Created)
						}
					}
				}
				if err := Remove(now[i], dedupe(created)); err != nil {
					t.Fatalf("%s through %s: %v", r.Name, reader, err)
				}
				// A rewritten field (an image pinned to its digest) holds
				// what the change says, and nothing else differs.
				if err := RemoveReplaced(was[i], now[i], replaced); err != nil {
					t.Fatalf("%s through %s: %v", r.Name, reader, err)
				}
				if !reflect.DeepEqual(was[i], now[i]) {
					t.Errorf("%s through %s: object %d changed beyond the fields set", r.Name, reader, i)
				}
			}
		}
	}
}

func dedupe(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func resultFiles(results []Result) []File {
	var out []File
	for _, r := range results {
		if r.Err == nil {
			out = append(out, File{Name: r.Name, Data: r.Data})
		}
	}
	return out
}

func TestFixKeepsItsPromise(t *testing.T) {
	for _, tc := range fixCases {
		if tc.err != "" {
			continue
		}
		for _, tmp := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/tmp=%v/all checks", tc.name, tmp), func(t *testing.T) {
				files := []File{{Name: "in.yaml", Data: []byte(tc.in)}}
				results := Run(context.Background(), files, Options{TmpEmptyDir: tmp})
				if results[0].Err != nil {
					t.Fatal(results[0].Err)
				}
				checkFixed(t, files, results)
			})
		}
	}
}

// TestFixKeepsItsPromiseWithPins runs the cases above with their images
// served by a registry and --pin-digests: every image is pinned, and the
// promise holds with the image strings as the edited fields.
func TestFixKeepsItsPromiseWithPins(t *testing.T) {
	reg := imagetest.Start(t)
	for _, repo := range []string{"nginx", "busybox"} {
		imagetest.Push(t, reg.Ref(repo, ":latest"), imagetest.Image(t, imagetest.ImageOptions{}))
	}
	resolver := newResolver(t)
	for _, tc := range fixCases {
		if tc.err != "" {
			continue
		}
		in := tc.in
		for _, repo := range []string{"nginx", "busybox"} {
			in = strings.ReplaceAll(in, "image: "+repo, "image: "+reg.Ref(repo, ""))
		}
		if in == tc.in {
			t.Fatalf("%s: no image to pin", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			files := []File{{Name: "in.yaml", Data: []byte(in)}}
			results := Run(context.Background(), files, Options{PinDigests: true, Resolver: resolver})
			r := results[0]
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if len(r.Unresolved) > 0 {
				t.Fatalf("unresolved: %+v", r.Unresolved)
			}
			checkFixed(t, files, results)
			if !slices.ContainsFunc(r.Changes, func(c Change) bool { return c.Replaced != "" }) {
				t.Errorf("no image pinned: %+v", r.Changes)
			}
			for k := range scanFiles(t, resultFiles(results)) {
				if k.id == ImageNotPinned || k.id == ImageLatestTag {
					if !leftFor(r.Left, k) {
						t.Errorf("%s on %s %s is still found", k.id, k.res.Kind, k.res.Name)
					}
				}
			}
		})
	}
}

func leftFor(left []Left, k findingKey) bool {
	return slices.ContainsFunc(left, func(l Left) bool { return l.Check == k.id && l.Resource == k.res })
}

func exampleFiles(t *testing.T) []File {
	t.Helper()
	var files []File
	err := filepath.WalkDir("../../examples", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, File{Name: strings.TrimPrefix(p, "../../"), Data: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	return files
}

// TestExamples fixes the bundled examples: the promise holds, the findings
// with a remedy drop, and the diff and the counts match
// testdata/examples.diff (refreshed with -update).
func TestExamples(t *testing.T) {
	for _, tmp := range []bool{false, true} {
		t.Run(fmt.Sprintf("tmp=%v", tmp), func(t *testing.T) {
			files := exampleFiles(t)
			results := Run(context.Background(), files, Options{TmpEmptyDir: tmp})
			checkFixed(t, files, results)
			var out strings.Builder
			before, after, all0, all1 := 0, 0, 0, 0
			for _, n := range scanFiles(t, files) {
				all0 += n
			}
			for _, n := range scanFiles(t, resultFiles(results)) {
				all1 += n
			}
			for i, r := range results {
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				before, after = before+r.Before, after+r.After
				d, err := r.Diff(files[i].Data)
				if err != nil {
					t.Fatal(err)
				}
				out.WriteString(d)
			}
			if after >= before {
				t.Errorf("findings with a remedy: %d -> %d, want fewer", before, after)
			}
			fmt.Fprintf(&out, "# findings with a mechanical remedy: %d -> %d; all findings: %d -> %d\n", before, after, all0, all1)
			name := "examples.diff"
			if tmp {
				name = "examples-tmp-emptydir.diff"
			}
			golden.Check(t, filepath.Join("testdata", name), []byte(out.String()))
		})
	}
}
