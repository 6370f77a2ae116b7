package fix

import "strings"

// value is a YAML value to write: a scalar (its text, already valid YAML),
// a mapping (keys in order) or a sequence.
type value struct {
	scalar string
	keys   []string
	fields map[string]*value
	items  []*value
	isSeq  bool
}

func scalar(text string) *value { return &value{scalar: text} }

func seqOf(items ...*value) *value { return &value{isSeq: true, items: items} }

func mapOf() *value { return &value{fields: map[string]*value{}} }

func (v *value) isMap() bool { return v.fields != nil }

// set adds key to a mapping value, merging mappings set twice.
func (v *value) set(key string, x *value) {
	if old, ok := v.fields[key]; ok {
		if old.isMap() && x.isMap() {
			for _, k := range x.keys {
				old.set(k, x.fields[k])
			}
		}
		return
	}
	v.keys = append(v.keys, key)
	v.fields[key] = x
}

// nested returns the mapping {keys[0]: {keys[1]: ... leaf}}, or leaf when
// keys is empty.
func nested(keys []string, leaf *value) *value {
	for i := len(keys) - 1; i >= 0; i-- {
		m := mapOf()
		m.set(keys[i], leaf)
		leaf = m
	}
	return leaf
}

// flow writes v in flow style: {a: 1, b: [x]}.
func (v *value) flow() string {
	switch {
	case v.isMap():
		parts := make([]string, 0, len(v.keys))
		for _, k := range v.keys {
			parts = append(parts, k+": "+v.fields[k].flow())
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case v.isSeq:
		parts := make([]string, 0, len(v.items))
		for _, it := range v.items {
			parts = append(parts, it.flow())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return v.scalar
}

// layout is how a document indents its block collections.
type layout struct {
	// step is the indentation of a nested mapping.
	step int
	// seqIndent is the indentation of a block sequence's dashes below its
	// key: 0 ("key:\n- a", kubectl's style) or step ("key:\n  - a").
	seqIndent int
	// eol is the line ending.
	eol string
}

// entry writes key: v in block style as lines indented by indent, each
// ended by l.eol. Sequences of scalars are written in flow style
// (drop: ["ALL"]); sequences of mappings and mappings in block style.
func (l layout) entry(key string, v *value, indent int) string {
	pad := strings.Repeat(" ", indent)
	switch {
	case v.isMap() && len(v.keys) > 0:
		var b strings.Builder
		b.WriteString(pad + key + ":" + l.eol)
		for _, k := range v.keys {
			b.WriteString(l.entry(k, v.fields[k], indent+l.step))
		}
		return b.String()
	case v.isSeq && hasMaps(v):
		var b strings.Builder
		b.WriteString(pad + key + ":" + l.eol)
		for _, it := range v.items {
			b.WriteString(l.item(it, indent+l.seqIndent))
		}
		return b.String()
	}
	return pad + key + ": " + v.flow() + l.eol
}

// item writes one block sequence item whose dash is at column indent.
func (l layout) item(v *value, indent int) string {
	pad := strings.Repeat(" ", indent)
	if !v.isMap() || len(v.keys) == 0 {
		return pad + "- " + v.flow() + l.eol
	}
	var b strings.Builder
	for i, k := range v.keys {
		e := l.entry(k, v.fields[k], indent+2)
		if i == 0 {
			e = pad + "- " + e[indent+2:]
		}
		b.WriteString(e)
	}
	return b.String()
}

func hasMaps(v *value) bool {
	for _, it := range v.items {
		if it.isMap() {
			return true
		}
	}
	return false
}
