package source

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	sigsjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/object"
)

// Decode reads every object in data, which came from file, and passes each to
// emit. It returns the problems found; a bad document never stops the ones
// after it. It reads data as Load reads a file, with the same limits.
func Decode(file string, data []byte, emit func(*object.Object)) []object.Error {
	var errs errorList
	data = transcode(data)
	b := newBudget(len(data))
	n, objects := 0, 0
	count := func(o *object.Object) {
		objects++
		emit(o)
	}
	for raw := range streamDocuments(data) {
		n++
		d := document{file: file, doc: n, line: raw.line, json: raw.json}
		d.tree = d.preparse(raw.text, b)
		d.mute = errs.full()
		d.decode(raw.text, count, &errs)
	}
	return errs.finish(file, objects, isTemplate(data))
}

// isTemplate reports whether a file holds template directives.
func isTemplate(data []byte) bool { return bytes.Contains(data, []byte("{{")) }

// notObject marks an error about a document that holds no Kubernetes
// object at all.
func notObject(e object.Error) object.Error {
	e.NotObject = true
	return e
}

// errorList keeps the errors of one file, up to maxErrorsPerFile, and counts
// the rest.
type errorList struct {
	errs    []object.Error
	dropped int
	from    int // the line of the first error not kept
	// other counts the errors, kept or not, about something other than a
	// document without any object.
	other int
}

func (l *errorList) add(errs ...object.Error) {
	for _, e := range errs {
		if !e.NotObject {
			l.other++
		}
		if len(l.errs) < maxErrorsPerFile {
			l.errs = append(l.errs, e)
		} else {
			if l.dropped == 0 {
				l.from = e.Line
			}
			l.dropped++
		}
	}
}

func countOther(errs []object.Error) int {
	n := 0
	for _, e := range errs {
		if !e.NotObject {
			n++
		}
	}
	return n
}

// full reports whether further errors are only counted.
func (l *errorList) full() bool { return len(l.errs) >= maxErrorsPerFile }

// merge adds the errors of a later part of the same file.
func (l *errorList) merge(o *errorList) {
	l.add(o.errs...)
	l.other += o.other - countOther(o.errs)
	if o.dropped > 0 {
		if l.dropped == 0 {
			l.from = o.from
		}
		l.dropped += o.dropped
	}
}

// finish returns a file's errors (as done does), unless the file is not a
// manifest to scan: a file of nothing but documents without any object (a
// CI or editor configuration, Helm values) gives one notice that it was
// skipped, and so does a template that does not parse until rendered.
func (l *errorList) finish(file string, objects int, template bool) []object.Error {
	switch {
	case len(l.errs) == 0:
		return nil
	case objects == 0 && l.other == 0:
		return []object.Error{{File: file, Skipped: true, Message: "not a Kubernetes manifest (no document has an apiVersion or a kind); skipped"}}
	case template && l.other > 0:
		return []object.Error{{File: file, Skipped: true, Message: "a template that is not YAML until it is rendered (it holds {{ }}); skipped: render it (helm template, or the tool that fills it) and scan the output"}}
	}
	return l.done(file)
}

// done returns the errors kept, and one more that counts the others.
func (l *errorList) done(file string) []object.Error {
	if l.dropped > 0 {
		l.errs = append(l.errs, object.Error{File: file, Line: l.from, Message: fmt.Sprintf("%d more errors in this file not shown, from this line on", l.dropped)})
	}
	return l.errs
}

type document struct {
	file string
	doc  int
	line int
	// mute, when set, leaves the messages of errors unwritten: they are
	// only counted.
	mute bool
	// json is set for a value of a JSON stream: its text is the object.
	json bool
	// tree is the document's parse tree when the loader parsed it first, to
	// charge its alias expansion to the input's budget.
	tree *parsed
}

// parsed is a document's yaml.v3 parse tree and what it expands to.
type parsed struct {
	// root is the document's top node; nil for an empty document.
	root *yaml.Node
	// err is why the document cannot be read; the other fields are unset.
	err *object.Error
	// size is about what the document expands to, in JSON bytes.
	size int64
	// aliases is set when the document holds an alias.
	aliases bool
	// refused is set when the input's alias budget does not cover size.
	refused bool
	left    int64
}

// source is where the document came from: standard input or a file.
func (d document) source() object.Source {
	if d.file == object.StdinName {
		return object.FromStdin
	}
	return object.FromFile
}

// error is errorf without formatting, for the errors that floods repeat.
func (d document) error(line int, msg string) object.Error {
	if d.mute {
		msg = ""
	}
	return object.Error{File: d.file, Line: line, Doc: d.doc, Message: msg}
}

func (d document) errorf(line int, format string, args ...any) object.Error {
	if d.mute {
		return object.Error{File: d.file, Line: line, Doc: d.doc}
	}
	return object.Error{File: d.file, Line: line, Doc: d.doc, Message: fmt.Sprintf(format, args...)}
}

// preparse parses a document that may hold aliases, measures its expansion
// and charges it to b, in document order. It returns nil for a document
// that cannot expand: that one is parsed where it is decoded.
func (d document) preparse(text []byte, b *budget) *parsed {
	if d.json || !mayAlias(text) {
		return nil
	}
	p := d.parse(text)
	if p.err == nil && !p.aliases {
		return nil // nothing to expand: decoded as any other document
	}
	if p.err == nil && p.root != nil && !b.charge(p.size, len(text)) {
		p.refused, p.left = true, b.left
	}
	return p
}

// parse parses a document with yaml.v3 and measures its expansion.
func (d document) parse(text []byte) *parsed {
	if line, what := checkText(text); line > 0 {
		e := d.errorf(d.line-1+line, "%s: not YAML or JSON text; the document is not read", what)
		return &parsed{err: &e}
	}
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return &parsed{} // only comments or blank lines
		}
		e := d.yamlError(err)
		return &parsed{err: &e}
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		// Not expected: splitDocuments cuts at every document marker.
		e := d.errorf(d.line-1+next.Line, "invalid YAML: a second document starts here without a document marker")
		return &parsed{err: &e}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return &parsed{}
	}
	body := root.Content[0]
	if body.Kind == yaml.ScalarNode && body.Tag == "!!null" && body.Style&yaml.TaggedStyle == 0 && body.Value == "" {
		return &parsed{} // an empty document ("---" then nothing)
	}
	if line := dedentedAfter(text, body); line > 0 {
		e := d.errorf(d.line-1+line, "invalid YAML: this line is indented less than the document's first line (column %d), so the parser would drop it and everything after it", body.Column)
		return &parsed{err: &e}
	}
	size, aliases, err := measure(body)
	if err != nil {
		line := body.Line
		var ne *nodeError
		if errors.As(err, &ne) {
			line = ne.line
		}
		format := "invalid YAML: %v"
		if errors.Is(err, errTooDeep) {
			format = "%v"
		}
		e := d.errorf(d.line-1+line, format, err)
		return &parsed{err: &e}
	}
	return &parsed{root: body, size: size, aliases: aliases}
}

// lineRelative shifts a "line N: " prefix from document to file lines.
func lineRelative(msg string, base int) string {
	if n, rest, ok := yamlLine.cut(msg); ok && strings.HasPrefix(msg, "line ") {
		return fmt.Sprintf("line %d: %s", base+n, rest)
	}
	return msg
}

// decode decodes one document, adding its errors to errs: by the fast path
// when the document is in the part of YAML it reads, else as kubectl reads
// it.
func (d document) decode(text []byte, emit func(*object.Object), errs *errorList) {
	if d.json {
		errs.add(d.decodeJSON(text, emit)...)
		return
	}
	if d.tree == nil {
		// fastChars passes most documents in one quick look; the others
		// are looked at again for what a YAML parser rejects.
		chars := fastChars(text)
		if !chars {
			if line, what := checkText(text); line > 0 {
				errs.add(d.errorf(d.line-1+line, "%s: not YAML or JSON text; the document is not read", what))
				return
			}
		}
		switch line, what := trivial(text); what {
		case "empty":
			return
		case "scalar":
			errs.add(notObject(d.error(d.line-1+line, "document is not a Kubernetes object (a scalar, not a mapping)")))
			return
		case "list":
			errs.add(notObject(d.error(d.line-1+line, "document is not a Kubernetes object (a list, not a mapping)")))
			return
		}
		// The fast path takes only text that fastChars passes.
		if chars {
			if e, ok := d.decodeFast(text, emit); ok {
				errs.add(e...)
				return
			}
		}
	}
	errs.add(d.decodeYAML(text, emit)...)
}

// decodeJSON decodes a value of a JSON stream. kubectl sends its text to the
// API server as it is, so it is decoded as it is; yaml.v3 reads it too, for
// the lines of its fields.
func (d document) decodeJSON(text []byte, emit func(*object.Object)) []object.Error {
	var node *yaml.Node
	var root yaml.Node
	if yaml.Unmarshal(text, &root) == nil && len(root.Content) > 0 {
		node = root.Content[0]
	}
	return d.decodeObject(text, node, d.line, 0, emit)
}

// trivial recognises, without a parser, a document that holds nothing (only
// blank lines, comments and a "---" line), or one line that is a plain
// scalar or a block sequence entry, and so is no object: a file of millions of
// such documents then costs little. It returns the content's 1-based line and
// "empty", "scalar" or "list"; "" when it is not sure.
func trivial(text []byte) (int, string) {
	line, found, what := 0, 0, "empty"
	for pos := 0; pos < len(text); {
		end, next := nextLine(text, pos)
		l := text[pos:end]
		pos = next
		line++
		t := bytes.TrimLeft(l, " ")
		switch {
		case len(t) == 0 || t[0] == '#':
			continue
		case line == 1 || found == 0:
			if start, _ := marker(l); start {
				rest := bytes.TrimLeft(l[3:], " \t")
				if len(rest) == 0 || rest[0] == '#' {
					continue
				}
				return 0, ""
			}
		}
		if found > 0 {
			return 0, "" // more than one line of content
		}
		found = line
		switch {
		case len(t) >= 2 && t[0] == '-' && t[1] == ' ' || len(t) == 1 && t[0] == '-':
			what = "list"
			if bytes.ContainsAny(t, ":#\t") {
				return 0, "" // "- a: b" is a list too, but let the parser say
			}
		case plainStart(string(t), 0) && t[0] != '-' && t[0] != '?' && t[0] != ':' && t[0] != '.':
			if bytes.ContainsAny(t, ":#\t") {
				return 0, ""
			}
			what = "scalar"
		default:
			return 0, ""
		}
	}
	return found, what
}

// decodeYAML decodes a document the fast path does not read. Its meaning
// comes from sigs.k8s.io/yaml, the reader kubectl and Helm decode manifests
// with (YAML 1.1 scalars, merge keys applied in order, tags resolved,
// !!binary decoded); yaml.v3's parse tree gives the lines of its fields, the
// keys set twice, and what its aliases expand to, measured before anything
// is expanded.
func (d document) decodeYAML(text []byte, emit func(*object.Object)) []object.Error {
	p := d.tree
	if p == nil {
		p = d.parse(text)
		// A document without aliases expands to about its own size: it
		// needs no budget.
	}
	switch {
	case p.err != nil:
		return []object.Error{*p.err}
	case p.root == nil:
		return nil
	case p.refused:
		return []object.Error{d.errorf(d.line-1+p.root.Line, "document expands YAML aliases and merge keys to about %d bytes, beyond the %d bytes this input may still expand to; the document is not read", p.size, p.left)}
	}
	line := d.line - 1 + p.root.Line
	if p.root.Kind != yaml.MappingNode && !(p.root.Kind == yaml.AliasNode && deref(p.root).Kind == yaml.MappingNode) {
		return []object.Error{notObject(d.errorf(line, "document is not a Kubernetes object (a %s, not a mapping)", nodeKindName(deref(p.root))))}
	}
	data, err := kubectlJSON(text)
	if err != nil {
		return []object.Error{d.errorf(line, "%s", lineRelative(err.Error(), d.line-1))}
	}
	return d.decodeObject(data, p.root, line, 0, emit)
}

// kubectlJSON converts a YAML document to JSON as kubectl does.
func kubectlJSON(text []byte) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML reader failed: %v", r)
		}
	}()
	data, err = sigsyaml.YAMLToJSON(text)
	if err != nil {
		return nil, fmt.Errorf("invalid YAML: %s", redact(err.Error()))
	}
	return data, nil
}

// quotedValue is a value the YAML reader quotes in an error message.
var quotedValue = regexp.MustCompile("`[^`]*`")

// redact drops the values that the YAML reader's errors quote: the value
// may be a secret.
func redact(msg string) string {
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "json: ")
	if i := strings.Index(msg, "unsupported map key of type: "); i >= 0 {
		typ, _, _ := strings.Cut(msg[i+len("unsupported map key of type: "):], ",")
		return fmt.Sprintf("a mapping key of type %s has no JSON form (null keys, lists and mappings as keys, integers beyond int64 are rejected)", typ)
	}
	return quotedValue.ReplaceAllString(msg, "(value not shown)")
}

// object decodes one object from its JSON (a document, or an item of a
// List); n is its parse tree when known, for lines.
func (d document) decodeObject(data []byte, n *yaml.Node, line, depth int, emit func(*object.Object)) []object.Error {
	if depth > maxDepth {
		return []object.Error{d.errorf(line, "%v", errTooDeep)}
	}
	if n != nil {
		n = deref(n)
		if n.Kind != yaml.MappingNode {
			n = nil
		}
	}
	var head struct {
		APIVersion json.RawMessage `json:"apiVersion"`
		Kind       json.RawMessage `json:"kind"`
		Items      json.RawMessage `json:"items"`
	}
	if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
		if err := sigsjson.UnmarshalCaseSensitivePreserveInts(data, &head); err != nil {
			return []object.Error{d.errorf(line, "%v", err)}
		}
	} else {
		return []object.Error{notObject(d.errorf(line, "document is not a Kubernetes object (not a mapping)"))}
	}
	apiVersion, aerr := jsonString(head.APIVersion, "apiVersion")
	kind, kerr := jsonString(head.Kind, "kind")
	if err := errors.Join(aerr, kerr); err != nil {
		return []object.Error{d.errorf(line, "%v", err)}
	}
	if len(head.Items) > 0 && string(head.Items) != "null" {
		// kubectl applies the items of anything that has them, whatever its
		// kind, and not the object itself.
		return d.list(head.Items, n, line, depth, emit)
	}
	if errs := d.kindErrors(line, apiVersion, kind); errs != nil {
		return errs
	}
	var lines *object.LineIndex
	var dups []object.IgnoredField
	if n != nil {
		c := converters.Get().(*converter)
		defer converters.Put(c)
		c.reset(d.line - 1)
		dups = c.index(n)
		lines, _ = c.lines.Build()
	}
	return d.finish(data, lines, dups, line, apiVersion, kind, func() *yaml.Node { return n }, emit)
}

// jsonString reads a field that must be a string (or absent).
func jsonString(raw json.RawMessage, name string) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s must be a string, not %s", name, raw)
	}
	return s, nil
}

func (d document) list(items json.RawMessage, n *yaml.Node, line, depth int, emit func(*object.Object)) []object.Error {
	var raws []json.RawMessage
	if err := json.Unmarshal(items, &raws); err != nil {
		return []object.Error{d.errorf(line, "items: a list is required")}
	}
	var nodes []*yaml.Node
	if n != nil {
		if in := field(n, "items"); in != nil {
			if in = deref(in); in.Kind == yaml.SequenceNode && len(in.Content) == len(raws) {
				nodes = in.Content
			}
		}
	}
	var errs []object.Error
	for i, raw := range raws {
		var node *yaml.Node
		itemLine := line
		if nodes != nil {
			node = nodes[i]
			itemLine = d.line - 1 + node.Line
		}
		errs = append(errs, d.decodeObject(raw, node, itemLine, depth+1, emit)...)
	}
	return errs
}

// decodeFast decodes a document that the fast path reads; ok is false when
// the document must take the yaml.v3 path.
func (d document) decodeFast(text []byte, emit func(*object.Object)) (errs []object.Error, ok bool) {
	c := converters.Get().(*converter)
	defer converters.Put(c)
	c.reset(d.line - 1)
	r, lines, ok := c.fastDocumentChecked(text)
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
	return d.finish(c.buf, lines, nil, line, r.apiVersion, r.kind, node, emit), true
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
func (d document) yamlError(err error) object.Error {
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

// fastDocument runs the fast path and builds the line index. It gives up
// on a document that sets a key twice: the slow path reports that.
func (c *converter) fastDocument(text []byte) (fastResult, *object.LineIndex, bool) {
	if !fastChars(text) {
		return fastResult{}, nil, false
	}
	return c.fastDocumentChecked(text)
}

// fastDocumentChecked is fastDocument for text that fastChars has passed.
func (c *converter) fastDocumentChecked(text []byte) (fastResult, *object.LineIndex, bool) {
	r, ok := c.fastChecked(text)
	if !ok {
		return r, nil, false
	}
	lines, dup := c.lines.Build()
	if dup {
		return r, nil, false
	}
	return r, lines, true
}

// kindErrors reports a missing apiVersion or kind.
func (d document) kindErrors(line int, apiVersion, kind string) []object.Error {
	switch {
	case apiVersion == "" && kind == "":
		return []object.Error{notObject(d.errorf(line, "document has no apiVersion and no kind"))}
	case apiVersion == "":
		return []object.Error{d.errorf(line, "%s has no apiVersion", kind)}
	case kind == "":
		return []object.Error{d.errorf(line, "document with apiVersion %q has no kind", apiVersion)}
	}
	return nil
}

// finish decodes an object's JSON text into a typed object; lines indexes
// its fields, and dups lists the keys its YAML sets twice.
// node gives the object's parse tree, for error messages only.
func (d document) finish(data []byte, lines *object.LineIndex, dups []object.IgnoredField, line int, apiVersion, kind string, node func() *yaml.Node, emit func(*object.Object)) []object.Error {
	obj := &object.Object{
		Origin:     object.Origin{Source: d.source(), File: d.file, Doc: d.doc, Line: line},
		APIVersion: apiVersion,
		Kind:       kind,
		Lines:      lines,
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return []object.Error{d.errorf(line, "apiVersion %q: %v", apiVersion, err)}
	}
	typed, err := scheme.Scheme.New(gv.WithKind(kind))
	if err != nil {
		// Not a built-in kind: keep it with its metadata only.
		meta, merr := decodeMeta(data)
		if merr != nil {
			return []object.Error{d.fieldError(obj, node(), merr)}
		}
		obj.Meta = meta
		obj.Raw = bytes.Clone(data)
		obj.Ignored = dups
		emit(obj)
		return nil
	}
	strict, err := sigsjson.UnmarshalStrict(data, typed)
	if err != nil {
		return []object.Error{d.fieldError(obj, node(), err)}
	}
	obj.Ignored = append(obj.Ignored, dups...)
	for _, s := range strict {
		if f, ok := ignoredField(s); ok {
			obj.Ignored = append(obj.Ignored, f)
		}
	}
	sortIgnored(obj)
	if modern, ok := modernKinds[gv.WithKind(kind)]; ok {
		// A deprecated version: strictness was judged against the version
		// written; the checks read the current version of the same kind,
		// whose fields the old one shares.
		current, err := scheme.Scheme.New(modern)
		if err == nil && sigsjson.UnmarshalCaseSensitivePreserveInts(data, current) == nil {
			typed = current
		}
	}
	accessor, ok := typed.(metav1.ObjectMetaAccessor)
	if !ok {
		return []object.Error{d.errorf(line, "%s %s has no object metadata", apiVersion, kind)}
	}
	obj.Meta = accessor.GetObjectMeta().(*metav1.ObjectMeta)
	obj.Typed = typed
	emit(obj)
	return nil
}

// sortIgnored puts an object's ignored fields in document order, whatever
// order its JSON text had its keys in, each once (the parse tree and strict
// decoding both see a key set twice in JSON).
func sortIgnored(obj *object.Object) {
	if len(obj.Ignored) < 2 {
		return
	}
	slices.SortStableFunc(obj.Ignored, func(a, b object.IgnoredField) int {
		if c := cmp.Compare(obj.Line(a.Path), obj.Line(b.Path)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return cmp.Compare(fmt.Sprint(a.Duplicate), fmt.Sprint(b.Duplicate))
	})
	obj.Ignored = slices.Compact(obj.Ignored)
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
func (d document) fieldError(obj *object.Object, n *yaml.Node, err error) object.Error {
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

func ignoredField(err error) (object.IgnoredField, bool) {
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
			return object.IgnoredField{Path: path, Duplicate: p.dup}, true
		}
	}
	return object.IgnoredField{}, false
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
