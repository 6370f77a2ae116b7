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

	"github.com/kubestride/kubestride/internal/object"
)

// converter holds the buffers that turn one document into JSON text and a
// line index: the fast path writes both, and index walks yaml.v3's parse
// tree for the lines of the slow path.
type converter struct {
	buf      []byte
	lines    object.LineBuilder
	lineBase int    // added to node lines: the document's first line - 1
	scratch  []byte // the fast path's buffer for scalars with escapes or folds
	path     []pathSeg
}

// pathSeg is one segment of the path index is at.
type pathSeg struct {
	key   string
	index int // -1 for a key
}

// converters reuses converters' buffers from one document to the next: the
// JSON text is decoded (and copied) before the converter is returned.
var converters = sync.Pool{New: func() any { return &converter{} }}

func (c *converter) reset(lineBase int) {
	c.buf = c.buf[:0]
	c.lines.Reset()
	c.lineBase = lineBase
	c.path = c.path[:0]
}

// index records the line of every field of the object n (a mapping), and
// returns the keys set twice in one mapping. It does not follow aliases or
// merge keys: their fields are written where the anchor is, and a lookup
// falls back to the line of the alias.
func (c *converter) index(n *yaml.Node) []object.IgnoredField {
	var dups []object.IgnoredField
	c.walk(n, object.HashSeed, 0, &dups)
	return dups
}

func (c *converter) walk(n *yaml.Node, h uint64, depth int, dups *[]object.IgnoredField) {
	if depth > maxDepth {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for i, item := range n.Content {
			ih := object.HashIndex(h, i)
			c.lines.Add(ih, c.lineBase+item.Line)
			c.path = append(c.path, pathSeg{index: i})
			c.walk(item, ih, depth+1, dups)
			c.path = c.path[:len(c.path)-1]
		}
	case yaml.MappingNode:
		var seen map[string]bool
		if len(n.Content) > 2 {
			seen = make(map[string]bool, len(n.Content)/2)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if isMergeKey(k) {
				continue
			}
			key, err := keyString(k)
			if err != nil {
				continue
			}
			c.path = append(c.path, pathSeg{key: key, index: -1})
			if seen != nil {
				if seen[key] {
					*dups = append(*dups, object.IgnoredField{Path: c.pathString(), Duplicate: true})
				}
				seen[key] = true
			}
			kh := object.HashKey(h, key)
			c.lines.Add(kh, c.lineBase+k.Line)
			c.walk(v, kh, depth+1, dups)
			c.path = c.path[:len(c.path)-1]
		}
	}
}

// pathString writes the current path as strict JSON decoding names fields:
// spec.containers[0].name.
func (c *converter) pathString() string {
	var b strings.Builder
	for i, s := range c.path {
		if s.index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Style&^yaml.TaggedStyle == 0 && (k.Style&yaml.TaggedStyle == 0 || k.ShortTag() == "!!merge"))
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

// appendString writes s as a JSON string, as encoding/json writes it
// (control characters escaped, invalid UTF-8 replaced), so that the text is
// valid JSON whatever a document's escapes produced.
func (c *converter) appendString(s string) {
	c.buf = appendJSONString(c.buf, s)
}

const hexDigits = "0123456789abcdef"

func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '"', '\\':
				buf = append(buf, '\\', b)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, "\\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
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
	if c == '.' {
		// kubectl's reader tries a value that starts with '.' as a float
		// as written, underscores and all (Go's rules for them).
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
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
