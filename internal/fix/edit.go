package fix

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kubestride/kubestride/internal/fieldpath"
)

// editor collects additions to one file's text and writes them at the
// places yaml.v3's parse tree gives, leaving every other byte as it was.
type editor struct {
	data []byte
	// starts holds the byte offset of each line's start (line n at
	// starts[n-1]).
	starts []int
	maps   map[*yaml.Node]*value
	seqs   map[*yaml.Node][]*value
	reps   map[*yaml.Node]replacement
	// order keeps the nodes in the order they were first edited, so that
	// the output does not depend on map iteration.
	order []*yaml.Node
	lay   map[*yaml.Node]layout
}

func newEditor(data []byte) *editor {
	e := &editor{data: data, starts: []int{0}, maps: map[*yaml.Node]*value{}, seqs: map[*yaml.Node][]*value{}, reps: map[*yaml.Node]replacement{}, lay: map[*yaml.Node]layout{}}
	for i, c := range data {
		if c == '\n' && i+1 < len(data) {
			e.starts = append(e.starts, i+1)
		}
	}
	return e
}

// op is one addition to an object: below the mapping at base (a field path
// in the object), the keys are followed, created where missing, and the
// last one is set to leaf, or, with appendItem, leaf is appended to the
// sequence it holds. With replace, the scalar at base, which holds old, is
// rewritten to leaf's scalar instead.
type op struct {
	base       string
	keys       []string
	leaf       *value
	appendItem bool
	replace    bool
	old        string
}

// refusal is an addition that the text does not allow: the field is set
// otherwise, or it is shared with other places through an anchor.
type refusal struct{ msg string }

func (r refusal) Error() string { return r.msg }

func refusef(format string, args ...any) error { return refusal{fmt.Sprintf(format, args...)} }

// add plans o on the object whose mapping is root, laid out as lay. It
// returns the field set and the topmost field it creates ("" when the
// field already holds the wanted value).
func (e *editor) add(root *yaml.Node, lay layout, o op) (field, created string, err error) {
	cur, path, err := find(root, o.base)
	if err != nil {
		return "", "", err
	}
	for i, k := range o.keys {
		if err := plain(cur, path); err != nil {
			return "", "", err
		}
		if cur.Kind != yaml.MappingNode {
			return "", "", refusef("%s is not a mapping", path)
		}
		path = fieldpath.Key(path, k)
		child, err := lookup(cur, k, path)
		if err != nil {
			return "", "", err
		}
		last := i == len(o.keys)-1
		if child == nil {
			leaf := o.leaf
			if o.appendItem {
				leaf = seqOf(leaf)
			}
			e.plan(cur, lay).set(k, nested(o.keys[i+1:], leaf))
			field = fieldpath.Join(path, strings.Join(o.keys[i+1:], "."))
			if o.appendItem {
				field = fieldpath.Index(field, 0)
			}
			return field, path, nil
		}
		if !last {
			cur = child
			continue
		}
		if err := plain(child, path); err != nil {
			return "", "", err
		}
		if o.appendItem {
			if child.Kind != yaml.SequenceNode {
				return "", "", refusef("%s is not a list", path)
			}
			if _, ok := e.seqs[child]; !ok {
				e.order = append(e.order, child)
				e.lay[child] = lay
			}
			item := restyle(o.leaf, child)
			e.seqs[child] = append(e.seqs[child], item)
			field = fieldpath.Index(path, len(child.Content)+len(e.seqs[child])-1)
			return field, field, nil
		}
		if child.Kind == yaml.ScalarNode && child.Value == unquote(o.leaf.scalar) {
			return path, "", nil
		}
		return "", "", refusef("%s is set to %s", path, describe(child))
	}
	return "", "", fmt.Errorf("no key to set below %s", o.base)
}

// find returns the node at base (a field path) below root, refusing to go
// through an alias or an anchored node.
func find(root *yaml.Node, base string) (*yaml.Node, string, error) {
	cur := root
	path := ""
	for seg := range fieldpath.Segments(base) {
		if err := plain(cur, path); err != nil {
			return nil, "", err
		}
		if seg.IsIndex {
			path = fieldpath.Index(path, seg.Index)
			if cur.Kind != yaml.SequenceNode || seg.Index >= len(cur.Content) {
				return nil, "", fmt.Errorf("%s is not in the text", path)
			}
			cur = cur.Content[seg.Index]
			continue
		}
		path = fieldpath.Key(path, seg.Key)
		child, err := lookup(cur, seg.Key, path)
		if err != nil {
			return nil, "", err
		}
		if child == nil {
			return nil, "", fmt.Errorf("%s is not in the text", path)
		}
		cur = child
	}
	return cur, path, nil
}

// replace plans rewriting the scalar at field (a path below root), which
// must hold old, to new, in the scalar's own quoting. It returns false
// when the same rewrite is planned already.
func (e *editor) replace(root *yaml.Node, field, old, new string) (bool, error) {
	n, path, err := find(root, field)
	if err != nil {
		return false, err
	}
	if err := plain(n, path); err != nil {
		return false, err
	}
	if n.Kind != yaml.ScalarNode || n.Value != old {
		return false, fmt.Errorf("%s does not hold %q in the text", path, old)
	}
	if r, ok := e.reps[n]; ok {
		if r.value != new {
			return false, fmt.Errorf("%s is rewritten twice", path)
		}
		return false, nil
	}
	start := e.offset(n)
	var q string
	switch n.Style {
	case 0:
	case yaml.DoubleQuotedStyle:
		q = `"`
	case yaml.SingleQuotedStyle:
		q = "'"
	default:
		return false, refusef("%s is written as a block scalar or with a tag; edit it by hand", path)
	}
	// The scalar's text must be its value, quotes aside: no escapes, no
	// line breaks.
	written := q + old + q
	if !bytes.HasPrefix(e.data[start:], []byte(written)) || strings.ContainsAny(old, "\\\"'\n") {
		return false, refusef("%s is written with escapes or over several lines; edit it by hand", path)
	}
	e.reps[n] = replacement{start: start, end: start + len(written), text: q + new + q, value: new}
	e.order = append(e.order, n)
	return true, nil
}

// replacement is a scalar's text, data[start:end], rewritten to text,
// which holds value.
type replacement struct {
	start, end  int
	text, value string
}

// plan returns the additions planned for the mapping m.
func (e *editor) plan(m *yaml.Node, lay layout) *value {
	v, ok := e.maps[m]
	if !ok {
		v = mapOf()
		e.maps[m] = v
		e.order = append(e.order, m)
		e.lay[m] = lay
	}
	return v
}

// plain refuses to edit through an alias or an anchored node: the change
// would reach every place that shares it.
func plain(n *yaml.Node, path string) error {
	switch {
	case n.Kind == yaml.AliasNode:
		return refusef("%s is an alias of &%s, shared with other places", orRoot(path), n.Value)
	case n.Anchor != "":
		return refusef("%s carries the anchor &%s, shared with other places", orRoot(path), n.Anchor)
	}
	return nil
}

func orRoot(path string) string {
	if path == "" {
		return "the object"
	}
	return path
}

// lookup finds key in mapping m. A key that m takes from a merge key (<<)
// is refused: setting it would change what m merges.
func lookup(m *yaml.Node, key, path string) (*yaml.Node, error) {
	if m.Kind != yaml.MappingNode {
		return nil, refusef("%s: its parent is not a mapping", path)
	}
	merged := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind == yaml.ScalarNode && k.Value == key && k.Tag != "!!merge" {
			return m.Content[i+1], nil
		}
		if k.Tag == "!!merge" || k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Style == 0 {
			merged = true
		}
	}
	if merged {
		return nil, refusef("%s: its mapping merges others (<<); edit it by hand", path)
	}
	return nil, nil
}

func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			return "null"
		}
		return n.Value
	}
	return "a " + map[yaml.Kind]string{yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}[n.Kind]
}

// restyle writes a scalar item in the quoting of the list's first item.
func restyle(v *value, seq *yaml.Node) *value {
	if v.isMap() || v.isSeq || len(seq.Content) == 0 || seq.Content[0].Kind != yaml.ScalarNode {
		return v
	}
	s := unquote(v.scalar)
	switch seq.Content[0].Style {
	case yaml.DoubleQuotedStyle:
		return scalar(`"` + s + `"`)
	case yaml.SingleQuotedStyle:
		return scalar("'" + s + "'")
	}
	return scalar(s)
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// insertion is text to put at an offset of the original text, in place
// of the text up to end when end is past at.
type insertion struct {
	at, end int
	indent  int
	// seq marks a list's items, which go before a mapping's keys at the
	// same indentation (kubectl's style puts both at one column).
	seq  bool
	text string
}

// apply writes the planned additions and returns the new text.
func (e *editor) apply() ([]byte, error) {
	var ins []insertion
	for _, n := range e.order {
		lay := e.lay[n]
		if r, ok := e.reps[n]; ok {
			// A rewritten scalar goes after an addition at its offset.
			ins = append(ins, insertion{at: r.start, end: r.end, indent: -1, text: r.text})
			continue
		}
		var in insertion
		var err error
		if v, ok := e.maps[n]; ok {
			in, err = e.mapInsertion(n, v, lay)
		} else {
			in, err = e.seqInsertion(n, e.seqs[n], lay)
		}
		if err != nil {
			return nil, err
		}
		_, in.seq = e.seqs[n]
		ins = append(ins, in)
	}
	// At one offset, the deeper block goes first: a shallower key ends it.
	sort.SliceStable(ins, func(i, j int) bool {
		if ins[i].at != ins[j].at {
			return ins[i].at < ins[j].at
		}
		if ins[i].indent != ins[j].indent {
			return ins[i].indent > ins[j].indent
		}
		return ins[i].seq && !ins[j].seq
	})
	var out bytes.Buffer
	prev := 0
	for _, in := range ins {
		if in.at < prev {
			return nil, fmt.Errorf("two edits overlap at byte %d", in.at)
		}
		out.Write(e.data[prev:in.at])
		out.WriteString(in.text)
		prev = max(in.at, in.end)
	}
	out.Write(e.data[prev:])
	return out.Bytes(), nil
}

func (e *editor) mapInsertion(m *yaml.Node, v *value, lay layout) (insertion, error) {
	if m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		parts := make([]string, 0, len(v.keys))
		for _, k := range v.keys {
			parts = append(parts, k+": "+v.fields[k].flow())
		}
		return e.flowInsertion(m, '{', '}', strings.Join(parts, ", "))
	}
	indent := e.column(m.Content[0])
	var b strings.Builder
	for _, k := range v.keys {
		b.WriteString(lay.entry(k, v.fields[k], indent))
	}
	return e.blockInsertion(m.Content[len(m.Content)-2].Line, indent, false, b.String(), lay)
}

func (e *editor) seqInsertion(s *yaml.Node, items []*value, lay layout) (insertion, error) {
	if s.Style&yaml.FlowStyle != 0 || len(s.Content) == 0 {
		parts := make([]string, 0, len(items))
		for _, it := range items {
			parts = append(parts, it.flow())
		}
		return e.flowInsertion(s, '[', ']', strings.Join(parts, ", "))
	}
	indent := e.column(s)
	var b strings.Builder
	for _, it := range items {
		b.WriteString(lay.item(it, indent))
	}
	return e.blockInsertion(s.Content[len(s.Content)-1].Line, indent, true, b.String(), lay)
}

// column returns the 0-based byte column of n (its indentation, for a
// node that starts a line).
func (e *editor) column(n *yaml.Node) int {
	return e.offset(n) - e.starts[n.Line-1]
}

// offset returns the byte offset of n in the text. yaml.v3 counts columns
// in characters.
func (e *editor) offset(n *yaml.Node) int {
	off := e.starts[n.Line-1]
	for i := 1; i < n.Column && off < len(e.data); i++ {
		_, size := utf8.DecodeRune(e.data[off:])
		off += size
	}
	return off
}

// line returns line n (1-based) without its line ending.
func (e *editor) line(n int) string {
	start := e.starts[n-1]
	end := len(e.data)
	if n < len(e.starts) {
		end = e.starts[n]
	}
	return strings.TrimRight(string(e.data[start:end]), "\r\n")
}

// blockInsertion puts text after the block collection whose last entry
// starts on line last and whose keys (or dashes, for a sequence) sit at
// column indent: after the last line that belongs to that entry, before
// any blank or comment lines that follow it.
func (e *editor) blockInsertion(last, indent int, seq bool, text string, lay layout) (insertion, error) {
	end := last
	for n := last + 1; n <= len(e.starts); n++ {
		s := e.line(n)
		t := strings.TrimLeft(s, " ")
		if t == "" || t[0] == '#' {
			continue
		}
		ind := len(s) - len(t)
		if ind == 0 && (strings.HasPrefix(t, "---") || strings.HasPrefix(t, "...")) {
			break
		}
		dash := t == "-" || strings.HasPrefix(t, "- ")
		if ind > indent || ind == indent && (!seq || dash) {
			end = n
			continue
		}
		break
	}
	if end == len(e.starts) {
		// The block runs to the end of the file.
		at := len(e.data)
		if !bytes.HasSuffix(e.data, []byte("\n")) {
			text = lay.eol + strings.TrimSuffix(text, lay.eol)
		}
		return insertion{at: at, indent: indent, text: text}, nil
	}
	return insertion{at: e.starts[end], indent: indent, text: text}, nil
}

// flowInsertion puts text as the last entries of the flow collection n,
// which opens with open and closes with close.
func (e *editor) flowInsertion(n *yaml.Node, open, close byte, text string) (insertion, error) {
	start := e.offset(n)
	if start >= len(e.data) || e.data[start] != open {
		return insertion{}, fmt.Errorf("line %d: no %q where the parser placed a collection", n.Line, open)
	}
	end, err := matching(e.data, start)
	if err != nil {
		return insertion{}, fmt.Errorf("line %d: %w", n.Line, err)
	}
	p := end - 1
	for p > start && (e.data[p] == ' ' || e.data[p] == '\t' || e.data[p] == '\n' || e.data[p] == '\r') {
		p--
	}
	switch e.data[p] {
	case open:
	case ',':
		text = " " + text
	default:
		text = ", " + text
	}
	return insertion{at: p + 1, indent: 1 << 30, text: text}, nil
}

// matching returns the offset of the bracket that closes the one at
// data[start], skipping quoted scalars, comments and nested collections.
func matching(data []byte, start int) (int, error) {
	depth := 0
	for i := start; i < len(data); i++ {
		switch c := data[i]; c {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i, nil
			}
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(data); i++ {
				if data[i] == '\'' {
					if i+1 < len(data) && data[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n') {
				for i < len(data) && data[i] != '\n' {
					i++
				}
			}
		}
	}
	return 0, fmt.Errorf("flow collection not closed")
}

// detectLayout reads how the document under root indents its blocks.
func detectLayout(data []byte, e *editor, root *yaml.Node) layout {
	lay := layout{step: 2, seqIndent: 0, eol: "\n"}
	if bytes.Contains(data, []byte("\r\n")) {
		lay.eol = "\r\n"
	}
	stepFound, seqFound := false, false
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if stepFound && seqFound {
			return
		}
		if n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Line > k.Line && v.Style&yaml.FlowStyle == 0 {
					switch v.Kind {
					case yaml.MappingNode:
						if !stepFound && len(v.Content) > 0 {
							if d := e.column(v.Content[0]) - e.column(k); d > 0 {
								lay.step, stepFound = d, true
							}
						}
					case yaml.SequenceNode:
						if !seqFound {
							if d := e.column(v) - e.column(k); d >= 0 {
								lay.seqIndent, seqFound = d, true
							}
						}
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
	return lay
}
