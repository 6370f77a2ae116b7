package source

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/object"
)

// originAnnotation is the annotation in which Kustomize says which file a
// resource came from.
const originAnnotation = "config.kubernetes.io/origin"

// kustomization builds a Kustomize directory as kustomize build does, from
// the disk alone (a remote base is refused, never fetched), and queues the
// output to be decoded, each object leading back to the file it came from.
func (l *loader[P]) kustomization(dir string) {
	k, errs := walkKustomization(dir)
	if len(errs) > 0 {
		j := l.free.get(dir)
		j.errs.add(errs...)
		l.send(j)
		return
	}
	fs := originFS{FileSystem: filesys.MakeFsOnDisk(), root: k.file}
	opts := krusty.MakeDefaultOptions()
	m, err := krusty.MakeKustomizer(opts).Run(fs, dir)
	if err != nil {
		file, line := k.errorAt(err)
		j := l.free.get(file)
		msg := strings.ReplaceAll(err.Error(), "\n", " ")
		if abs := mustAbs(dir); abs != dir {
			msg = strings.ReplaceAll(msg, abs, filepath.Clean(dir))
		}
		j.errs.add(object.Error{File: file, Line: line, Message: "building the kustomization: " + msg})
		l.send(j)
		return
	}
	if m.Size() == 0 {
		l.skip(dir, "a kustomization that builds no object; nothing to scan")
		return
	}
	var out bytes.Buffer
	r := &renderInfo{by: "kustomize", file: k.file, docFiles: map[int]string{}, smap: &object.SourceMap{Lines: []object.SourceLine{{}}}}
	files := map[string]int32{}
	fileIndex := func(f string) int32 {
		if i, ok := files[f]; ok {
			return i
		}
		r.smap.Files = append(r.smap.Files, f)
		files[f] = int32(len(r.smap.Files))
		return files[f]
	}
	for i, res := range m.Resources() {
		origin := k.file
		if o, err := res.GetOrigin(); err == nil && o != nil && o.Path != "" && o.Repo == "" {
			origin = filepath.Join(dir, filepath.FromSlash(o.Path))
		} else if err == nil && o != nil && o.ConfiguredIn != "" {
			origin = filepath.Join(dir, filepath.FromSlash(o.ConfiguredIn))
		}
		if !k.userOrigins {
			dropOrigin(res)
		}
		text, err := res.AsYAML()
		if err != nil {
			l.fail(dir, "kustomize output: %v", err)
			return
		}
		if i > 0 {
			out.WriteString("---\n")
			r.smap.Lines = append(r.smap.Lines, object.SourceLine{})
		}
		r.docFiles[i+1] = origin
		start := len(r.smap.Lines)
		out.Write(text)
		lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
		r.smap.Lines = append(r.smap.Lines, make([]object.SourceLine, len(lines))...)
		k.mapLines(r.smap.Lines[start:], lines, origin, fileIndex)
	}
	l.decodeRendered(dir, out.Bytes(), r)
}

// kustomizationTree is a kustomization and the local ones it builds on,
// read ahead of the build to refuse remote bases and to know the patches.
type kustomizationTree struct {
	dir, file string
	// userOrigins is set when the kustomization asks for origin
	// annotations itself: they are then kept in the output.
	userOrigins bool
	// files are the kustomization files read, the root's first.
	files []string
	// patches are the patch files, in the order Kustomize applies them.
	patches []string
}

// walkKustomization reads the kustomization in dir and the local ones it
// refers to.
func walkKustomization(dir string) (*kustomizationTree, []object.Error) {
	t := &kustomizationTree{dir: dir}
	var errs []object.Error
	seen := map[string]bool{}
	var walk func(dir string, root bool)
	walk = func(dir string, root bool) {
		file := kustomizationFile(dir)
		if file == "" {
			if root {
				errs = append(errs, object.Error{File: dir, Message: "no kustomization.yaml, kustomization.yml or Kustomization in this directory"})
			}
			return
		}
		if seen[file] {
			return
		}
		seen[file] = true
		if root {
			t.file = file
		}
		t.files = append(t.files, file)
		data, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, object.Error{File: file, Message: fmt.Sprintf("read: %v", unwrapPath(err))})
			return
		}
		var k types.Kustomization
		if err := sigsyaml.Unmarshal(data, &k); err != nil {
			return // the build reports it, with its line
		}
		if root {
			for _, b := range k.BuildMetadata {
				t.userOrigins = t.userOrigins || b == types.OriginAnnotations
			}
		}
		for _, list := range [][]string{k.Resources, k.Bases, k.Components} {
			for _, r := range list {
				p := filepath.Join(dir, filepath.FromSlash(r))
				info, err := os.Stat(p)
				switch {
				case err == nil && info.IsDir():
					walk(p, false)
				case err == nil:
				case remoteRef(r):
					errs = append(errs, object.Error{File: file, Line: lineOf(data, r), Message: fmt.Sprintf("remote resource %q is not fetched: scans never use the network; vendor it into the repository, or build it with kustomize and scan the output", r)})
				}
			}
		}
		for _, p := range k.PatchesStrategicMerge {
			if f := filepath.Join(dir, filepath.FromSlash(string(p))); isFile(f) {
				t.patches = append(t.patches, f)
			}
		}
		for _, list := range [][]types.Patch{k.PatchesJson6902, k.Patches} {
			for _, p := range list {
				if p.Path != "" {
					t.patches = append(t.patches, filepath.Join(dir, filepath.FromSlash(p.Path)))
				}
			}
		}
	}
	walk(dir, true)
	return t, errs
}

func kustomizationFile(dir string) string {
	for _, n := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		if f := filepath.Join(dir, n); isFile(f) {
			return f
		}
	}
	return ""
}

func isFile(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}

// remoteRef reports whether a resource entry names something on the
// network: a URL, a git repository.
func remoteRef(r string) bool {
	return strings.Contains(r, "://") || strings.HasPrefix(r, "git@") || strings.HasPrefix(r, "github.com/") ||
		strings.Contains(r, "?ref=") || strings.Contains(r, ".git//")
}

// lineOf returns the first line of data holding s, or 0.
func lineOf(data []byte, s string) int {
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	return 0
}

var (
	yamlErrLine = regexp.MustCompile(`yaml: line (\d+)`)
	quoted      = regexp.MustCompile(`["']([^"'\s]+)["']`)
)

// errorAt returns the file and line a build error is about: the
// kustomization entry it names, or the line its YAML error gives.
func (t *kustomizationTree) errorAt(err error) (string, int) {
	msg := err.Error()
	for _, q := range quoted.FindAllStringSubmatch(msg, -1) {
		for _, f := range t.files {
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			for _, cand := range []string{q[1], filepath.Base(q[1])} {
				if l := keyOrValueLine(data, cand); l > 0 {
					return f, l
				}
			}
		}
	}
	file := t.file
	if file == "" {
		file = t.dir
	}
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return file, n
	}
	return file, 0
}

// keyOrValueLine returns the line of data where s stands as a key or a
// list item, or 0.
func keyOrValueLine(data []byte, s string) int {
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		t = strings.TrimSpace(strings.TrimPrefix(t, "-"))
		t = strings.Trim(t, `"'`)
		if t == s || strings.HasPrefix(t, s+":") || strings.HasSuffix(t, ": "+s) || strings.HasSuffix(t, "/"+s) {
			return i + 1
		}
	}
	return 0
}

// mapLines leads each line of one built object back to its source: the
// line of the resource file it matches, in order, else a line of a patch
// (the last one applied first), else, for a JSON patch, the operation that
// set it.
func (t *kustomizationTree) mapLines(dst []object.SourceLine, lines []string, origin string, index func(string) int32) {
	all := make([]int, len(lines))
	for i := range lines {
		all[i] = i
	}
	unmatched := all
	assign := func(file string, matchers []srcLine) {
		if len(unmatched) == 0 {
			return
		}
		pairs := align(lines, unmatched, matchers)
		if len(pairs) == 0 {
			return
		}
		fi := index(file)
		done := map[int]bool{}
		for _, p := range pairs {
			dst[p[0]] = object.SourceLine{File: fi, Line: int32(p[1] + 1)}
			done[p[0]] = true
		}
		rest := unmatched[:0:0]
		for _, i := range unmatched {
			if !done[i] {
				rest = append(rest, i)
			}
		}
		unmatched = rest
	}
	var sources []string
	if data, err := os.ReadFile(origin); err == nil {
		sources = append(sources, origin)
		assign(origin, literalLines(data))
	}
	for i := len(t.patches) - 1; i >= 0 && len(unmatched) > 0; i-- {
		data, err := os.ReadFile(t.patches[i])
		if err != nil {
			continue
		}
		sources = append(sources, t.patches[i])
		assign(t.patches[i], literalLines(data))
		if ops := jsonPatchLines(data); len(ops) > 0 {
			rest := unmatched[:0:0]
			for _, u := range unmatched {
				if l, ok := ops[strings.TrimSpace(lines[u])]; ok {
					dst[u] = object.SourceLine{File: index(t.patches[i]), Line: int32(l)}
					continue
				}
				rest = append(rest, u)
			}
			unmatched = rest
		}
	}
	// A line Kustomize moved (a merge may reorder fields) is found where
	// it is written once, in the resource's file or a patch.
	for _, file := range sources {
		if len(unmatched) == 0 {
			break
		}
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		once := map[string]int{}
		for i, l := range strings.Split(string(data), "\n") {
			t := strings.TrimSpace(l)
			if _, dup := once[t]; dup {
				once[t] = 0
			} else {
				once[t] = i + 1
			}
		}
		rest := unmatched[:0:0]
		for _, u := range unmatched {
			if l := once[strings.TrimSpace(lines[u])]; l > 0 && strings.TrimSpace(lines[u]) != "" {
				dst[u] = object.SourceLine{File: index(file), Line: int32(l)}
				continue
			}
			rest = append(rest, u)
		}
		unmatched = rest
	}
}

// literalLines matches the lines of a file as written, without
// indentation; list dashes aside, as Kustomize may indent lists otherwise.
func literalLines(data []byte) []srcLine {
	lines := strings.Split(string(data), "\n")
	out := make([]srcLine, len(lines))
	for i, l := range lines {
		t := strings.TrimSpace(l)
		out[i] = srcLine{literal: t, none: t == "" || t == "---" || strings.HasPrefix(t, "#")}
	}
	return out
}

// jsonPatchLines returns, for a JSON 6902 patch, the line "key: value"
// each operation with a scalar value makes, and the line of its value.
func jsonPatchLines(data []byte) map[string]int {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		return nil
	}
	out := map[string]int{}
	for _, op := range doc.Content[0].Content {
		if op.Kind != yaml.MappingNode {
			continue
		}
		var path string
		var value *yaml.Node
		for i := 0; i+1 < len(op.Content); i += 2 {
			switch op.Content[i].Value {
			case "path":
				path = op.Content[i+1].Value
			case "value":
				value = op.Content[i+1]
			}
		}
		if value == nil || value.Kind != yaml.ScalarNode || path == "" {
			continue
		}
		key := path[strings.LastIndex(path, "/")+1:]
		key = strings.ReplaceAll(strings.ReplaceAll(key, "~1", "/"), "~0", "~")
		if _, err := strconv.Atoi(key); err == nil || key == "-" {
			out["- "+value.Value] = value.Line
			continue
		}
		out[key+": "+value.Value] = value.Line
	}
	return out
}

// originFS is the disk, where the root kustomization also asks for origin
// annotations, so that each built resource says which file it came from.
type originFS struct {
	filesys.FileSystem
	root string
}

func (f originFS) ReadFile(p string) ([]byte, error) {
	data, err := f.FileSystem.ReadFile(p)
	if err != nil || filepath.Clean(p) != mustAbs(f.root) && filepath.Clean(p) != filepath.Clean(f.root) {
		return data, err
	}
	if bytes.Contains(data, []byte("buildMetadata")) {
		return data, nil
	}
	// Appended, so that the lines of the user's file stay where they are.
	out := append(bytes.TrimRight(bytes.Clone(data), "\n"), "\nbuildMetadata: [originAnnotations]\n"...)
	return out, nil
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// dropOrigin removes the origin annotation kubestride asked for.
func dropOrigin(res *resource.Resource) {
	a := res.GetAnnotations()
	if _, ok := a[originAnnotation]; !ok {
		return
	}
	delete(a, originAnnotation)
	_ = res.SetAnnotations(a)
}
