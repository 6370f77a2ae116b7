package source

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Limits that keep hostile documents from hanging or exhausting memory.
const (
	// maxExpandedNodes caps the nodes one document may expand to once aliases
	// are resolved (a "billion laughs" document expands exponentially).
	maxExpandedNodes = 1 << 20
	// maxDepth caps the nesting depth of one document.
	maxDepth = 1000
)

var (
	errAliasBomb = errors.New("document expands YAML aliases to more than 1048576 nodes")
	errTooDeep   = fmt.Errorf("document nests deeper than %d levels", maxDepth)
)

// converter turns one YAML parse tree into JSON text and a line index, in one
// walk. Scalars are resolved with YAML 1.1 rules, as kubectl's YAML reader
// resolves them (yes/no/on/off are booleans, 0777 is octal), so the JSON is
// what the API server would receive.
type converter struct {
	buf      []byte
	lines    lineBuilder
	expanded int
	lineBase int    // added to node lines: the document's first line - 1
	scratch  []byte // the fast path's buffer for scalars with escapes or folds
}

// converters reuses converters' buffers from one document to the next: the
// JSON text is decoded (and copied) before the converter is returned.
var converters = sync.Pool{New: func() any { return &converter{} }}

func (c *converter) reset(lineBase int) {
	c.buf = c.buf[:0]
	c.lines.entries = c.lines.entries[:0]
	c.expanded = 0
	c.lineBase = lineBase
}

// convert writes n as JSON. h is the path hash of n; index tells whether
// line entries are recorded (false inside alias expansions, whose lines
// belong to the anchor).
func (c *converter) convert(n *yaml.Node, h uint64, depth int, index bool) error {
	c.expanded++
	if c.expanded > maxExpandedNodes {
		return errAliasBomb
	}
	if depth > maxDepth {
		return errTooDeep
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			c.buf = append(c.buf, "null"...)
			return nil
		}
		return c.convert(n.Content[0], h, depth, index)
	case yaml.AliasNode:
		if n.Alias == nil {
			return fmt.Errorf("line %d: unresolved alias", c.lineBase+n.Line)
		}
		return c.convert(n.Alias, h, depth+1, false)
	case yaml.ScalarNode:
		return c.scalar(n)
	case yaml.SequenceNode:
		c.buf = append(c.buf, '[')
		for i, item := range n.Content {
			if i > 0 {
				c.buf = append(c.buf, ',')
			}
			ih := hashIndex(h, i)
			if index {
				c.lines.add(ih, c.lineBase+item.Line)
			}
			if err := c.convert(item, ih, depth+1, index); err != nil {
				return err
			}
		}
		c.buf = append(c.buf, ']')
		return nil
	case yaml.MappingNode:
		return c.mapping(n, h, depth, index)
	}
	return fmt.Errorf("line %d: unsupported YAML node", c.lineBase+n.Line)
}

func (c *converter) mapping(n *yaml.Node, h uint64, depth int, index bool) error {
	pairs := n.Content
	if hasMerge(n) {
		var err error
		if pairs, err = mergedPairs(n, depth); err != nil {
			return fmt.Errorf("line %d: %w", c.lineBase+n.Line, err)
		}
	}
	c.buf = append(c.buf, '{')
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := pairs[i], pairs[i+1]
		key, err := keyString(k)
		if err != nil {
			return fmt.Errorf("line %d: %w", c.lineBase+k.Line, err)
		}
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = strconv.AppendQuote(c.buf, key)
		c.buf = append(c.buf, ':')
		kh := hashKey(h, key)
		if index {
			c.lines.add(kh, c.lineBase+k.Line)
		}
		if err := c.convert(v, kh, depth+1, index); err != nil {
			return err
		}
	}
	c.buf = append(c.buf, '}')
	return nil
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Style&^yaml.TaggedStyle == 0 && (k.Style&yaml.TaggedStyle == 0 || k.ShortTag() == "!!merge")
}

func hasMerge(n *yaml.Node) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if isMergeKey(n.Content[i]) {
			return true
		}
	}
	return false
}

// mergedPairs resolves YAML merge keys (<<): keys written in the mapping win
// over merged ones, and earlier merge sources win over later ones.
func mergedPairs(n *yaml.Node, depth int) ([]*yaml.Node, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	var out []*yaml.Node
	seen := map[string]bool{}
	add := func(k, v *yaml.Node) {
		key, err := keyString(k)
		if err != nil || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, k, v)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !isMergeKey(n.Content[i]) {
			add(n.Content[i], n.Content[i+1])
		}
	}
	var sources []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !isMergeKey(n.Content[i]) {
			continue
		}
		v := deref(n.Content[i+1])
		switch v.Kind {
		case yaml.MappingNode:
			sources = append(sources, v)
		case yaml.SequenceNode:
			for _, s := range v.Content {
				sources = append(sources, deref(s))
			}
		default:
			return nil, errors.New("merge key << needs a mapping or a list of mappings")
		}
	}
	for _, s := range sources {
		if s.Kind != yaml.MappingNode {
			return nil, errors.New("merge key << needs a mapping or a list of mappings")
		}
		pairs := s.Content
		if hasMerge(s) {
			var err error
			if pairs, err = mergedPairs(s, depth+1); err != nil {
				return nil, err
			}
		}
		for i := 0; i+1 < len(pairs); i += 2 {
			add(pairs[i], pairs[i+1])
		}
	}
	return out, nil
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < maxDepth; i++ {
		n = n.Alias
	}
	return n
}

// keyString gives the JSON object key for a mapping key, as kubectl's YAML
// reader does: scalars by their text, booleans and numbers normalised.
func keyString(k *yaml.Node) (string, error) {
	k = deref(k)
	if k.Kind != yaml.ScalarNode {
		return "", errors.New("mapping key is not a scalar")
	}
	if k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 || k.Style&yaml.TaggedStyle != 0 && k.ShortTag() == "!!str" {
		return k.Value, nil
	}
	switch v := resolvePlain(k.Value).(type) {
	case bool:
		return strconv.FormatBool(v), nil
	case nil:
		return "null", nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case uint64:
		return strconv.FormatUint(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 32), nil
	}
	return k.Value, nil
}

func (c *converter) scalar(n *yaml.Node) error {
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
	// The parser fills Tag with its own (YAML 1.2) resolution; only a tag
	// written in the document counts.
	tag := ""
	if n.Style&yaml.TaggedStyle != 0 {
		tag = n.ShortTag()
		if tag != "!" && !strings.HasPrefix(tag, "!!") {
			tag = "" // a local or URI tag: read the value as if untagged
		}
	}
	if quoted || tag == "!!str" || tag == "!!binary" || tag == "!" || tag == "!!timestamp" {
		c.appendString(n.Value)
		return nil
	}
	v := resolvePlain(n.Value)
	switch tag {
	case "!!int", "!!float":
		switch v.(type) {
		case int64, uint64, float64:
		default:
			return fmt.Errorf("line %d: value tagged %s is not a number", c.lineBase+n.Line, tag)
		}
	case "!!bool":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("line %d: value tagged !!bool is not a boolean", c.lineBase+n.Line)
		}
	case "!!null":
		v = nil
	}
	switch v := v.(type) {
	case nil:
		c.buf = append(c.buf, "null"...)
	case bool:
		c.buf = strconv.AppendBool(c.buf, v)
	case int64:
		c.buf = strconv.AppendInt(c.buf, v, 10)
	case uint64:
		c.buf = strconv.AppendUint(c.buf, v, 10)
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Errorf("line %d: infinite or NaN numbers have no JSON representation", c.lineBase+n.Line)
		}
		c.buf = strconv.AppendFloat(c.buf, v, 'g', -1, 64)
	default:
		c.appendString(n.Value)
	}
	return nil
}

func (c *converter) appendString(s string) {
	if utf8.ValidString(s) {
		c.buf = strconv.AppendQuote(c.buf, s)
		return
	}
	c.buf = strconv.AppendQuote(c.buf, strings.ToValidUTF8(s, "\uFFFD"))
}

// resolvePlain resolves an unquoted scalar with YAML 1.1 rules. It returns
// nil, bool, int64, uint64, float64, or the string itself.
func resolvePlain(s string) any {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return nil
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return true
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return false
	case ".nan", ".NaN", ".NAN":
		return math.NaN()
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return math.Inf(1)
	case "-.inf", "-.Inf", "-.INF":
		return math.Inf(-1)
	}
	c := s[0]
	if !(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.' {
		return s
	}
	if isTimestamp(s) {
		return s
	}
	plain := strings.ReplaceAll(s, "_", "")
	if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return i
	}
	if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return u
	}
	if isYAMLFloat(plain) {
		if f, err := strconv.ParseFloat(plain, 64); err == nil {
			return f
		}
	}
	if strings.HasPrefix(plain, "0b") {
		if i, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
			return i
		}
	} else if strings.HasPrefix(plain, "-0b") {
		if i, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
			return i
		}
	}
	return s
}

// isYAMLFloat matches [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
func isYAMLFloat(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		if digits() == 0 {
			return false
		}
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// isTimestamp reports whether s starts like a YAML timestamp (YYYY-MM-DD);
// such values stay strings.
func isTimestamp(s string) bool {
	if len(s) < 10 {
		return false
	}
	for i := 0; i < 10; i++ {
		switch i {
		case 4, 7:
			if s[i] != '-' {
				return false
			}
		default:
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
	}
	return true
}
