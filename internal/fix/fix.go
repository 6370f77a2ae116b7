package fix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/pss"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scan"
	"github.com/kubestride/kubestride/internal/scope"
	"github.com/kubestride/kubestride/internal/source"
)

// File is a manifest file's name and text.
type File struct {
	Name string
	Data []byte
}

// Options configure a fix.
type Options struct {
	// Checks are the remedies to apply, by check ID; empty means all.
	Checks []check.ID
	// TmpEmptyDir mounts an emptyDir volume at /tmp in every container
	// whose root filesystem is made read-only (unless one is mounted there
	// already).
	TmpEmptyDir bool
	// Namespace is where objects without metadata.namespace are placed,
	// as kubectl apply -n places them ("" means default).
	Namespace string
	// PSS is the Pod Security Standards level and version the findings are
	// judged at; zero means restricted, latest.
	PSS api.LevelVersion
	// PinDigests applies the remedies that reach registries: an image
	// written by tag is pinned to the digest its registry reports. An
	// image that does not resolve is left as written and reported in
	// Result.Unresolved.
	PinDigests bool
	// Resolver resolves images for PinDigests; a registry client with the
	// default keychain and timeout when nil.
	Resolver Resolver

	// pins are the resolutions of the images to pin, by image as written.
	pins map[string]pin
}

// Change is one field fix sets.
type Change struct {
	Check    check.ID
	Resource report.Resource
	// Field is the field set, as a path in the object.
	Field string
	// Created is the topmost field added to the object (a whole
	// securityContext, say); empty when the field held the value already,
	// or when a value was rewritten.
	Created string
	// Replaced is the field whose value was rewritten (an image pinned to
	// its digest), and Value what it holds now; empty for an addition.
	Replaced, Value string
	// Message says what was set: `container "app": securityContext.allowPrivilegeEscalation=false`.
	Message string
}

// Left is a part of a finding that fix leaves as it is, and why.
type Left struct {
	Check    check.ID
	Resource report.Resource
	Message  string
}

// Result is what fix did to one file.
type Result struct {
	Name string
	// Data is the fixed text; equal to the input when nothing changed or
	// Err is set.
	Data    []byte
	Changes []Change
	Left    []Left
	// Unresolved are the images that could not be resolved for
	// PinDigests, left as written, with the reason naming the image and
	// its registry. Each is a gap the caller must report as an error.
	Unresolved []Left
	// Before and After count the findings of the chosen checks on the
	// file's objects before and after the fix.
	Before, After int
	// Err, when set, says why the file was left untouched: a Helm template,
	// text that does not parse, or a fix that did not check out.
	Err error
}

// Changed reports whether the fix changed the file.
func (r *Result) Changed() bool { return r.Err == nil && len(r.Changes) > 0 }

type fileState struct {
	res   *Result
	input []byte
	objs  []*object.Object
}

// Run fixes files. The findings are those of a scan of all the files
// together (so that a ServiceAccount's bindings in one file count for a
// workload in another); suppressed findings are left alone. A file is
// changed only when its new text decodes, through the same reader as scan,
// to the same objects but for the fields set, and a scan of the result
// shows no finding that was not there before.
func Run(ctx context.Context, files []File, o Options) []Result {
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.PSS == (api.LevelVersion{}) {
		o.PSS, _ = pss.ParseLevelVersion("restricted", "latest")
	}
	chosen := map[check.ID]bool{}
	for _, r := range remedies {
		if (len(o.Checks) == 0 || slices.Contains(o.Checks, r.id)) && (!r.network || o.PinDigests) {
			chosen[r.id] = true
		}
	}
	states := make([]*fileState, len(files))
	for i, f := range files {
		st := &fileState{res: &Result{Name: f.Name, Data: f.Data}, input: f.Data}
		states[i] = st
		st.objs, st.res.Err = decode(f.Name, f.Data, o.Namespace)
	}
	before := scanAll(ctx, states, o)
	o.pins = resolvePins(ctx, states, before, chosen, o)
	for _, st := range states {
		if st.res.Err != nil {
			continue
		}
		st.res.Before = count(before, st.res.Name, chosen)
		if err := fixFile(st, before, chosen, o); err != nil {
			st.res.Err = err
		}
	}
	// Keep the fixed text only where it checks out against a new scan.
	after := scanAll(ctx, states, o)
	for _, st := range states {
		r := st.res
		if r.Err != nil || !r.Changed() {
			r.After = r.Before
			continue
		}
		if added := newFindings(before, after, r.Name); len(added) > 0 {
			r.Err = fmt.Errorf("%s: left untouched: the fix would add the finding %s", r.Name, added[0])
			continue
		}
		r.After = count(after, r.Name, chosen)
	}
	for _, st := range states {
		if st.res.Err != nil {
			st.res.Data, st.res.Changes = st.input, nil
		}
	}
	out := make([]Result, len(states))
	for i, st := range states {
		out[i] = *st.res
	}
	return out
}

// decode reads the objects of a file, refusing templates, text that is not
// UTF-8 and anything scan could not read.
func decode(name string, data []byte, ns string) ([]*object.Object, error) {
	if bytes.Contains(data, []byte("{{")) {
		return nil, fmt.Errorf("%s: a template (it holds {{ }}); render it and fix the chart's templates by hand", name)
	}
	if !utf8.Valid(data) || bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return nil, fmt.Errorf("%s: not plain UTF-8 text", name)
	}
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return nil, fmt.Errorf("%s: JSON; kubestride fix edits YAML", name)
	}
	var objs []*object.Object
	errs := source.Decode(name, data, func(obj *object.Object) { objs = append(objs, obj) })
	if len(errs) > 0 {
		return nil, fmt.Errorf("cannot parse: %w", errs[0])
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("%s: no Kubernetes object", name)
	}
	placer := scope.NewPlacer(ns)
	for _, obj := range objs {
		placer.Place(obj)
	}
	return objs, nil
}

// scanAll scans the objects of every file that decoded.
func scanAll(ctx context.Context, states []*fileState, o Options) *report.Report {
	var objs []*object.Object
	for _, st := range states {
		objs = append(objs, st.objs...)
	}
	return scan.Run(ctx, inventory.Build(objs), nil, scan.Options{
		Check: check.Options{PSS: o.PSS},
		Now:   time.Now(),
	})
}

func resourceOf(obj *object.Object) report.Resource {
	return report.Resource{APIVersion: obj.APIVersion, Kind: obj.Kind, Namespace: obj.Namespace(), Name: obj.Name()}
}

// inFile reports whether f is about an unsuppressed object of file.
func inFile(f *report.Finding, file string) bool {
	return f.Suppressed == nil && f.Location != nil && f.Location.File == file
}

func count(rep *report.Report, file string, chosen map[check.ID]bool) int {
	n := 0
	for i := range rep.Findings {
		if f := &rep.Findings[i]; inFile(f, file) && chosen[f.ID] {
			n++
		}
	}
	return n
}

// newFindings lists the findings about file's objects after that were not
// there before, by check and object.
func newFindings(before, after *report.Report, file string) []string {
	type key struct {
		id  check.ID
		res report.Resource
	}
	counts := map[key]int{}
	for i := range before.Findings {
		if f := &before.Findings[i]; inFile(f, file) {
			counts[key{f.ID, f.Resource}]++
		}
	}
	var out []string
	for i := range after.Findings {
		f := &after.Findings[i]
		if !inFile(f, file) {
			continue
		}
		k := key{f.ID, f.Resource}
		if counts[k] == 0 {
			out = append(out, fmt.Sprintf("%s on %s %s: %s", f.ID, f.Resource.Kind, f.Resource.Name, f.Message))
			continue
		}
		counts[k]--
	}
	return out
}

// fixFile plans and applies the remedies of the findings about st's
// objects, checks that the result decodes to the same objects but for the
// fields set, and puts the result and its objects in st.
func fixFile(st *fileState, before *report.Report, chosen map[check.ID]bool, o Options) error {
	name := st.res.Name
	findings := map[report.Resource][]*report.Finding{}
	for i := range before.Findings {
		if f := &before.Findings[i]; inFile(f, name) && chosen[f.ID] {
			findings[f.Resource] = append(findings[f.Resource], f)
		}
	}
	if len(findings) == 0 {
		return nil
	}
	roots, err := parseRoots(st.input)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	e := newEditor(st.input)
	seen := map[report.Resource]int{}
	for _, obj := range st.objs {
		seen[resourceOf(obj)]++
	}
	inv := inventory.Build(st.objs)
	for _, w := range inv.Workloads {
		res := resourceOf(w.Object)
		fs := findings[res]
		if len(fs) == 0 {
			continue
		}
		leave := func(id check.ID, msg string) {
			st.res.Left = append(st.res.Left, Left{Check: id, Resource: res, Message: msg})
		}
		root := roots[w.Origin.Line]
		switch {
		case w.Typed == nil:
			leave(fs[0].ID, "a custom resource: its pod spec is not edited")
			continue
		case seen[res] > 1:
			leave(fs[0].ID, "the file holds this object more than once")
			continue
		case root == nil:
			leave(fs[0].ID, fmt.Sprintf("no object starts at line %d", w.Origin.Line))
			continue
		}
		lay := detectLayout(st.input, e, root)
		done := map[check.ID]bool{}
		gapSeen := map[string]bool{}
		for _, r := range remedies {
			i := slices.IndexFunc(fs, func(f *report.Finding) bool { return f.ID == r.id })
			if i < 0 || done[r.id] {
				continue
			}
			done[r.id] = true
			changes, left := r.plan(w, *fs[i], o)
			for _, msg := range left {
				leave(r.id, msg)
			}
			if r.gaps != nil {
				for _, msg := range r.gaps(w, o) {
					if !gapSeen[msg] {
						gapSeen[msg] = true
						st.res.Unresolved = append(st.res.Unresolved, Left{Check: r.id, Resource: res, Message: msg})
					}
				}
			}
			for _, c := range changes {
				if c.op.replace {
					ok, err := e.replace(root, c.op.base, c.op.old, c.op.leaf.scalar)
					var ref refusal
					switch {
					case errors.As(err, &ref):
						leave(r.id, ref.msg)
						continue
					case err != nil:
						return fmt.Errorf("%s: %s %s: %w", name, res.Kind, res.Name, err)
					case !ok:
						continue
					}
					st.res.Changes = append(st.res.Changes, Change{Check: r.id, Resource: res, Field: c.op.base, Replaced: c.op.base, Value: c.op.leaf.scalar, Message: c.msg})
					continue
				}
				field, created, err := e.add(root, lay, c.op)
				var ref refusal
				switch {
				case errors.As(err, &ref):
					leave(r.id, ref.msg)
					continue
				case err != nil:
					return fmt.Errorf("%s: %s %s: %w", name, res.Kind, res.Name, err)
				case created == "":
					continue
				}
				st.res.Changes = append(st.res.Changes, Change{Check: r.id, Resource: res, Field: field, Created: created, Message: c.msg})
			}
		}
	}
	if len(st.res.Changes) == 0 {
		return nil
	}
	out, err := e.apply()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	objs, err := decode(name, out, o.Namespace)
	if err != nil {
		return fmt.Errorf("%s: left untouched: the fixed text does not read back: %w", name, err)
	}
	if err := sameBut(st.objs, objs, st.res.Changes); err != nil {
		return fmt.Errorf("%s: left untouched: %w", name, err)
	}
	st.res.Data, st.objs = out, objs
	return nil
}

// parseRoots returns the mapping at the top of each document of data (and
// of each item of a List), by the line it starts on.
func parseRoots(data []byte) (map[int]*yaml.Node, error) {
	roots := map[int]*yaml.Node{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if err == io.EOF {
				return roots, nil
			}
			return nil, err
		}
		if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			continue
		}
		root := doc.Content[0]
		roots[root.Line] = root
		if items, _ := lookup(root, "items", "items"); items != nil && items.Kind == yaml.SequenceNode {
			for _, it := range items.Content {
				if it.Kind == yaml.MappingNode {
					roots[it.Line] = it
				}
			}
		}
	}
}

// sameBut checks that after holds the objects of before, in order, and that
// they differ only by the fields changes created.
func sameBut(before, after []*object.Object, changes []Change) error {
	if len(before) != len(after) {
		return fmt.Errorf("the fixed text holds %d objects, not %d", len(after), len(before))
	}
	created := map[report.Resource][]string{}
	replaced := map[report.Resource][]Change{}
	for _, c := range changes {
		if c.Replaced != "" {
			replaced[c.Resource] = append(replaced[c.Resource], c)
			continue
		}
		if !slices.Contains(created[c.Resource], c.Created) {
			created[c.Resource] = append(created[c.Resource], c.Created)
		}
	}
	for i := range before {
		b, err := Generic(before[i])
		if err != nil {
			return err
		}
		a, err := Generic(after[i])
		if err != nil {
			return err
		}
		res := resourceOf(before[i])
		if err := Remove(a, created[res]); err != nil {
			return fmt.Errorf("%s %s: %w", res.Kind, res.Name, err)
		}
		if err := RemoveReplaced(b, a, replaced[res]); err != nil {
			return fmt.Errorf("%s %s: %w", res.Kind, res.Name, err)
		}
		if !reflect.DeepEqual(a, b) {
			return fmt.Errorf("%s %s: the fixed text reads back with other changes than the fields set", res.Kind, res.Name)
		}
	}
	return nil
}

// Generic returns obj as the API server would receive it, as generic JSON
// values.
func Generic(obj *object.Object) (map[string]any, error) {
	data := obj.Raw
	if obj.Typed != nil {
		var err error
		if data, err = json.Marshal(obj.Typed); err != nil {
			return nil, fmt.Errorf("encode %s %s: %w", obj.Kind, obj.Name(), err)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", obj.Kind, obj.Name(), err)
	}
	return m, nil
}

// RemoveReplaced checks that after holds, at each field the changes
// rewrote, the value they wrote, and deletes those fields from before and
// after, which should then be equal.
func RemoveReplaced(before, after map[string]any, changes []Change) error {
	var paths []string
	for _, c := range changes {
		if c.Replaced == "" {
			continue
		}
		if got := Get(after, c.Replaced); got != c.Value {
			return fmt.Errorf("%s reads back as %v, not %q", c.Replaced, got, c.Value)
		}
		paths = append(paths, c.Replaced)
	}
	if err := Remove(before, paths); err != nil {
		return err
	}
	return Remove(after, paths)
}

// Get returns the value at path in m, nil when there is none.
func Get(m map[string]any, path string) any {
	var cur any = m
	for s := range fieldpath.Segments(path) {
		if cur = child(cur, s); cur == nil {
			return nil
		}
	}
	return cur
}

// Remove deletes the fields at paths from m; list items are removed from
// the highest index down, so that paths to several items of one list stay
// valid.
func Remove(m map[string]any, paths []string) error {
	paths = slices.Clone(paths)
	slices.SortFunc(paths, func(a, b string) int { return -strings.Compare(a, b) })
	slices.SortStableFunc(paths, func(a, b string) int { return lastIndex(b) - lastIndex(a) })
	for _, p := range paths {
		segs := fieldpath.Parse(p)
		if len(segs) == 0 {
			continue
		}
		var cur any = m
		var parents []any
		for _, s := range segs[:len(segs)-1] {
			parents = append(parents, cur)
			cur = child(cur, s)
			if cur == nil {
				return fmt.Errorf("%s is not in the fixed object", p)
			}
		}
		last := segs[len(segs)-1]
		switch c := cur.(type) {
		case map[string]any:
			if _, ok := c[last.Key]; !ok || last.IsIndex {
				return fmt.Errorf("%s is not in the fixed object", p)
			}
			delete(c, last.Key)
		case []any:
			if !last.IsIndex || last.Index >= len(c) {
				return fmt.Errorf("%s is not in the fixed object", p)
			}
			c = slices.Delete(c, last.Index, last.Index+1)
			// Put the shorter list back in its parent.
			parent := parents[len(parents)-1]
			prev := segs[len(segs)-2]
			switch pc := parent.(type) {
			case map[string]any:
				pc[prev.Key] = c
			case []any:
				pc[prev.Index] = c
			}
		default:
			return fmt.Errorf("%s is not in the fixed object", p)
		}
	}
	return nil
}

func lastIndex(p string) int {
	segs := fieldpath.Parse(p)
	if len(segs) > 0 && segs[len(segs)-1].IsIndex {
		return segs[len(segs)-1].Index
	}
	return -1
}

func child(v any, s fieldpath.Segment) any {
	switch c := v.(type) {
	case map[string]any:
		if !s.IsIndex {
			return c[s.Key]
		}
	case []any:
		if s.IsIndex && s.Index < len(c) {
			return c[s.Index]
		}
	}
	return nil
}
