package source

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	sigsjson "sigs.k8s.io/json"
)

// Decode reads every object in data, which came from file, and passes each to
// emit. It returns the problems found; a bad document never stops the ones
// after it.
func Decode(file string, data []byte, emit func(*Object)) []Error {
	if i := bytes.IndexByte(data, 0); i >= 0 || !utf8.Valid(data) {
		return []Error{{File: file, Message: "not a YAML or JSON text file (binary or not UTF-8)"}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var errs []Error
	for docNum, doc := range splitDocuments(data) {
		d := document{file: file, doc: docNum + 1, line: doc.line}
		errs = append(errs, d.decode(doc.text, emit)...)
	}
	return errs
}

type rawDocument struct {
	text []byte
	line int // 1-based line of the document's first line
}

// splitDocuments cuts a YAML stream at its "---" separators, so that a
// document with a syntax error does not take the rest of the file with it.
func splitDocuments(data []byte) []rawDocument {
	var docs []rawDocument
	start, startLine, line := 0, 1, 1
	for pos := 0; pos < len(data); {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		l := data[pos:next]
		if isSeparator(l) && pos > start {
			docs = append(docs, rawDocument{data[start:pos], startLine})
			start, startLine = pos, line
		}
		pos = next
		line++
	}
	if start < len(data) {
		docs = append(docs, rawDocument{data[start:], startLine})
	}
	return docs
}

func isSeparator(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("---")) {
		return false
	}
	rest := l[3:]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r'
}

type document struct {
	file string
	doc  int
	line int
}

func (d document) errorf(line int, format string, args ...any) Error {
	return Error{File: d.file, Line: line, Doc: d.doc, Message: fmt.Sprintf(format, args...)}
}

// decode decodes one document: by the fast path when the document is in the
// part of YAML it reads, else from yaml.v3's parse tree.
func (d document) decode(text []byte, emit func(*Object)) []Error {
	if errs, ok := d.decodeFast(text, emit); ok {
		return errs
	}
	return d.decodeYAML(text, emit)
}

// decodeYAML decodes a document from yaml.v3's parse tree.
func (d document) decodeYAML(text []byte, emit func(*Object)) []Error {
	var root yaml.Node
	if err := yaml.Unmarshal(text, &root); err != nil {
		return []Error{d.yamlError(err)}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil // only comments or blank lines
	}
	body := root.Content[0]
	if body.Kind == yaml.ScalarNode && body.Tag == "!!null" {
		return nil // an empty document ("---" then nothing)
	}
	if line := dedentedAfter(text, body); line > 0 {
		return []Error{d.errorf(d.line-1+line, "invalid YAML: this line is indented less than the document's first line (column %d), so the parser would drop it and everything after it", body.Column)}
	}
	return d.object(body, d.line-1+body.Line, emit)
}

// dedentedAfter returns the first line (1-based, in text) below an indented
// root node that starts left of the root's column, or 0. The YAML parser
// stops at such a line without an error and drops the rest of the
// document; kubestride reports it instead.
func dedentedAfter(text []byte, root *yaml.Node) int {
	if root.Column <= 1 {
		return 0
	}
	line := 0
	for len(text) > 0 {
		line++
		end := bytes.IndexByte(text, '\n')
		l := text
		if end >= 0 {
			l, text = text[:end], text[end+1:]
		} else {
			text = nil
		}
		if line <= root.Line {
			continue
		}
		trimmed := bytes.TrimLeft(l, " ")
		if len(bytes.TrimSpace(trimmed)) == 0 || trimmed[0] == '#' {
			continue
		}
		if bytes.HasPrefix(trimmed, []byte("---")) || bytes.HasPrefix(trimmed, []byte("...")) {
			return 0
		}
		if len(l)-len(trimmed)+1 < root.Column {
			return line
		}
	}
	return 0
}

var yamlLine = lineMatcher{"line "}

// yamlError turns a parser error into an Error at the document's line numbers.
func (d document) yamlError(err error) Error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := d.line
	if n, rest, ok := yamlLine.cut(msg); ok {
		line = d.line - 1 + n
		msg = rest
		if parserError(msg) {
			line++ // the parser counts these lines from zero
		}
	}
	return d.errorf(line, "invalid YAML: %s", msg)
}

// parserError reports whether msg comes from the YAML parser rather than
// its scanner: the parser reports 0-based lines.
func parserError(msg string) bool {
	rest, ok := strings.CutPrefix(msg, "did not find expected ")
	if !ok {
		return false
	}
	for _, p := range []string{"<", "node", "key", "'-'", "','"} {
		if strings.HasPrefix(rest, p) {
			return true
		}
	}
	return false
}

// object decodes one top-level node (or an item of a List).
func (d document) object(n *yaml.Node, line int, emit func(*Object)) []Error {
	if n.Kind == yaml.AliasNode {
		n = deref(n)
	}
	if n.Kind != yaml.MappingNode {
		return []Error{d.errorf(line, "document is not a Kubernetes object (a %s, not a mapping)", nodeKindName(n))}
	}
	apiVersion, kind := scalarField(n, "apiVersion"), scalarField(n, "kind")
	if errs := d.kindErrors(line, apiVersion, kind); errs != nil {
		return errs
	}
	if items := field(n, "items"); items != nil && strings.HasSuffix(kind, "List") {
		return d.list(items, line, emit)
	}

	c := converters.Get().(*converter)
	defer converters.Put(c)
	c.reset(d.line - 1)
	if err := c.convert(n, hashSeed, 0, true); err != nil {
		return []Error{d.errorf(line, "%v", err)}
	}
	return d.finish(c, line, apiVersion, kind, func() *yaml.Node { return n }, emit)
}

// decodeFast decodes a document that the fast path reads; ok is false when
// the document must take the yaml.v3 path.
func (d document) decodeFast(text []byte, emit func(*Object)) (errs []Error, ok bool) {
	c := converters.Get().(*converter)
	defer converters.Put(c)
	c.reset(d.line - 1)
	r, ok := c.fast(text)
	if !ok {
		return nil, false
	}
	line := d.line - 1 + r.line
	if errs := d.kindErrors(line, r.apiVersion, r.kind); errs != nil {
		return errs, true
	}
	// Errors name the object and find the lines of fields in the parse
	// tree: parse the text again, only then.
	node := func() *yaml.Node {
		var root yaml.Node
		if err := yaml.Unmarshal(text, &root); err != nil || len(root.Content) == 0 {
			return nil
		}
		return root.Content[0]
	}
	return d.finish(c, line, r.apiVersion, r.kind, node, emit), true
}

// kindErrors reports a missing apiVersion or kind.
func (d document) kindErrors(line int, apiVersion, kind string) []Error {
	switch {
	case apiVersion == "" && kind == "":
		return []Error{d.errorf(line, "document has no apiVersion and no kind")}
	case apiVersion == "":
		return []Error{d.errorf(line, "%s has no apiVersion", kind)}
	case kind == "":
		return []Error{d.errorf(line, "document with apiVersion %q has no kind", apiVersion)}
	}
	return nil
}

// finish decodes the JSON text and line index in c into a typed object.
// node gives the object's parse tree, for error messages only.
func (d document) finish(c *converter, line int, apiVersion, kind string, node func() *yaml.Node, emit func(*Object)) []Error {
	obj := &Object{
		Origin:     Origin{File: d.file, Doc: d.doc, Line: line},
		APIVersion: apiVersion,
		Kind:       kind,
		Lines:      c.lines.build(),
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return []Error{d.errorf(line, "apiVersion %q: %v", apiVersion, err)}
	}
	typed, err := scheme.Scheme.New(gv.WithKind(kind))
	if err != nil {
		// Not a built-in kind: keep it with its metadata only.
		meta, merr := decodeMeta(c.buf)
		if merr != nil {
			return []Error{d.fieldError(obj, node(), merr)}
		}
		obj.Meta = meta
		obj.Raw = bytes.Clone(c.buf)
		emit(obj)
		return nil
	}
	strict, err := sigsjson.UnmarshalStrict(c.buf, typed)
	if err != nil {
		return []Error{d.fieldError(obj, node(), err)}
	}
	for _, s := range strict {
		if f, ok := ignoredField(s); ok {
			obj.Ignored = append(obj.Ignored, f)
		}
	}
	if modern, ok := modernKinds[gv.WithKind(kind)]; ok {
		// A deprecated version: strictness was judged against the version
		// written; the checks read the current version of the same kind,
		// whose fields the old one shares.
		current, err := scheme.Scheme.New(modern)
		if err == nil && sigsjson.UnmarshalCaseSensitivePreserveInts(c.buf, current) == nil {
			typed = current
		}
	}
	accessor, ok := typed.(metav1.ObjectMetaAccessor)
	if !ok {
		return []Error{d.errorf(line, "%s %s has no object metadata", apiVersion, kind)}
	}
	obj.Meta = accessor.GetObjectMeta().(*metav1.ObjectMeta)
	obj.Typed = typed
	emit(obj)
	return nil
}

// modernKinds maps deprecated versions of the kinds checks read to the
// current version of the same kind.
var modernKinds = func() map[schema.GroupVersionKind]schema.GroupVersionKind {
	m := map[schema.GroupVersionKind]schema.GroupVersionKind{}
	add := func(to schema.GroupVersion, kinds []string, from ...schema.GroupVersion) {
		for _, gv := range from {
			for _, k := range kinds {
				m[gv.WithKind(k)] = to.WithKind(k)
			}
		}
	}
	apps := schema.GroupVersion{Group: "apps", Version: "v1"}
	add(apps, []string{"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"},
		schema.GroupVersion{Group: "apps", Version: "v1beta1"}, schema.GroupVersion{Group: "apps", Version: "v1beta2"},
		schema.GroupVersion{Group: "extensions", Version: "v1beta1"})
	add(schema.GroupVersion{Group: "networking.k8s.io", Version: "v1"}, []string{"NetworkPolicy"},
		schema.GroupVersion{Group: "extensions", Version: "v1beta1"})
	add(schema.GroupVersion{Group: "batch", Version: "v1"}, []string{"CronJob"},
		schema.GroupVersion{Group: "batch", Version: "v1beta1"})
	add(schema.GroupVersion{Group: "rbac.authorization.k8s.io", Version: "v1"}, []string{"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
		schema.GroupVersion{Group: "rbac.authorization.k8s.io", Version: "v1beta1"}, schema.GroupVersion{Group: "rbac.authorization.k8s.io", Version: "v1alpha1"})
	add(schema.GroupVersion{Group: "admissionregistration.k8s.io", Version: "v1"}, []string{"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"},
		schema.GroupVersion{Group: "admissionregistration.k8s.io", Version: "v1beta1"})
	return m
}()

func (d document) list(items *yaml.Node, line int, emit func(*Object)) []Error {
	items = deref(items)
	if items.Kind == yaml.ScalarNode && items.Tag == "!!null" {
		return nil
	}
	if items.Kind != yaml.SequenceNode {
		return []Error{d.errorf(d.line-1+items.Line, "items: a list is required")}
	}
	var errs []Error
	for _, item := range items.Content {
		errs = append(errs, d.object(item, d.line-1+item.Line, emit)...)
	}
	return errs
}

// decodeMeta reads the metadata of an object whose kind is not built in.
func decodeMeta(data []byte) (*metav1.ObjectMeta, error) {
	var partial struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(data, &partial); err != nil {
		return nil, err
	}
	return &partial.Metadata, nil
}

// fieldError explains a value of the wrong type, at the line of the field.
func (d document) fieldError(obj *Object, n *yaml.Node, err error) Error {
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if n == nil {
		n = &yaml.Node{} // not expected: the fast path read a text yaml.v3 rejects
	}
	name := nameOf(n)
	// "cannot unmarshal string into Go struct field SecurityContext.spec.x.privileged of type bool"
	got, rest, ok := strings.Cut(strings.TrimPrefix(msg, "cannot unmarshal "), " into Go struct field ")
	if !ok || !strings.HasPrefix(msg, "cannot unmarshal ") {
		return d.errorf(obj.Origin.Line, "%s %q: %s", obj.Kind, name, msg)
	}
	field, want, _ := strings.Cut(rest, " of type ")
	if _, after, ok := strings.Cut(field, "."); ok {
		field = after // drop the Go struct name
	}
	line := obj.Origin.Line
	if found := findLine(n, field, d.line-1); found > 0 {
		line = found
	}
	return d.errorf(line, "%s %q: field %s: %s", obj.Kind, name, field, describeTypeError(got, want))
}

// describeTypeError words a JSON type mismatch: "a boolean is required, not a string".
func describeTypeError(got, want string) string {
	if i := strings.LastIndexByte(want, '.'); i >= 0 && !strings.HasPrefix(want, "map[") && !strings.HasPrefix(want, "[]") {
		want = want[i+1:]
	}
	switch want {
	case "int32", "int64", "int", "uint32", "uint64", "uint8", "uint16", "int16", "int8":
		want = "an integer"
	case "bool":
		want = "a boolean"
	case "string":
		want = "a string"
	case "float64", "float32":
		want = "a number"
	default:
		switch {
		case strings.HasPrefix(want, "[]"):
			want = "a list"
		case strings.HasPrefix(want, "map["):
			want = "a mapping"
		default:
			want = "a " + want + " (a mapping)"
		}
	}
	switch got {
	case "object":
		got = "a mapping"
	case "array":
		got = "a list"
	case "number", "bool", "string":
		got = "a " + got
	}
	return want + " is required, not " + got
}

func nameOf(n *yaml.Node) string {
	if m := field(n, "metadata"); m != nil {
		return scalarField(deref(m), "name")
	}
	return ""
}

// findLine finds the line of a field path that has no list indexes (as JSON
// decoding errors give it), trying every list item on the way.
func findLine(n *yaml.Node, path string, base int) int {
	parts := strings.Split(path, ".")
	var walk func(n *yaml.Node, parts []string, depth int) int
	walk = func(n *yaml.Node, parts []string, depth int) int {
		n = deref(n)
		if depth > maxDepth {
			return 0
		}
		if len(parts) == 0 {
			return base + n.Line
		}
		switch n.Kind {
		case yaml.SequenceNode:
			for _, item := range n.Content {
				if l := walk(item, parts, depth+1); l > 0 {
					return l
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == parts[0] {
					if len(parts) == 1 {
						return base + n.Content[i].Line
					}
					if l := walk(n.Content[i+1], parts[1:], depth+1); l > 0 {
						return l
					}
				}
			}
		}
		return 0
	}
	return walk(n, parts, 0)
}

func ignoredField(err error) (IgnoredField, bool) {
	msg := err.Error()
	for _, p := range []struct {
		prefix string
		dup    bool
	}{{"unknown field ", false}, {"duplicate field ", true}} {
		if rest, ok := strings.CutPrefix(msg, p.prefix); ok {
			path, uerr := strconv.Unquote(rest)
			if uerr != nil {
				path = rest
			}
			return IgnoredField{Path: path, Duplicate: p.dup}, true
		}
	}
	return IgnoredField{}, false
}

func field(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key && n.Content[i].Kind == yaml.ScalarNode {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalarField(n *yaml.Node, key string) string {
	v := field(n, key)
	if v == nil {
		return ""
	}
	v = deref(v)
	if v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

func nodeKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	}
	return "non-mapping node"
}

// lineMatcher pulls "line N:" out of parser messages.
type lineMatcher struct{ prefix string }

func (m lineMatcher) cut(msg string) (int, string, bool) {
	i := strings.Index(msg, m.prefix)
	if i < 0 {
		return 0, msg, false
	}
	rest := msg[i+len(m.prefix):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	if j == 0 {
		return 0, msg, false
	}
	n, err := strconv.Atoi(rest[:j])
	if err != nil {
		return 0, msg, false
	}
	rest = strings.TrimLeft(rest[j:], ": ")
	return n, msg[:i] + rest, true
}
