package source

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/kubestride/kubestride/internal/object"
)

// The fast path: most manifests are written in a small, regular part of
// YAML (block mappings and sequences, one-line scalars, literal blocks, short
// flow collections). fastParser reads that part straight into the JSON text
// and line index that the converter would write from yaml.v3's parse tree,
// without building the tree. It gives up (ok=false) on anything else, and on
// anything it is unsure of, and the document then takes the yaml.v3 path; so
// it never has to explain an error, and it must never read a document
// differently from yaml.v3.

// fastResult is what the fast path learns about a document besides its JSON
// and line index.
type fastResult struct {
	// line is the 1-based line of the root mapping within the document.
	line       int
	apiVersion string
	kind       string
}

// maxFastKey bounds the length of a mapping key (yaml.v3 requires the ':'
// within 1024 characters of the key's start).
const maxFastKey = 1000

// fast converts text into c.buf and c.lines when text is a single YAML
// document, in the supported subset, whose root is a mapping without a
// top-level items key. It reports false, with c's output incomplete, when the
// document must take the yaml.v3 path.
func (c *converter) fast(text []byte) (fastResult, bool) {
	if !fastChars(text) {
		return fastResult{}, false
	}
	return c.fastChecked(text)
}

// fastChecked is fast for text that fastChars has passed.
func (c *converter) fastChecked(text []byte) (fastResult, bool) {
	p := fastParser{c: c, src: string(text), line: 1, scratch: c.scratch[:0]}
	defer func() { c.scratch = p.scratch[:0] }()
	if !p.header() {
		return fastResult{}, false
	}
	ind, ok := p.nextContent()
	if !ok || ind < 0 {
		return fastResult{}, false
	}
	k, found, ok := p.scanKey(p.pos)
	if !ok || !found {
		return fastResult{}, false
	}
	rootLine := p.line
	if !p.mapping(ind, object.HashSeed, 0, true, k) {
		return fastResult{}, false
	}
	if ind, ok := p.nextContent(); !ok || ind >= 0 {
		return fastResult{}, false
	}
	return fastResult{line: rootLine, apiVersion: strings.Clone(p.apiVersion), kind: strings.Clone(p.kind)}, true
}

// fastChars reports whether text holds only characters that yaml.v3 reads
// without complaint and that are not line breaks other than \n and \r\n:
// no control characters, no lone \r, no NEL, LS, PS or byte order mark.
func fastChars(text []byte) bool {
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			switch {
			case b == '\r':
				if i+1 >= len(text) || text[i+1] != '\n' {
					return false
				}
			case b < 0x20 && b != '\t' && b != '\n', b == 0x7f:
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case r == utf8.RuneError && size == 1,
			r >= 0x80 && r <= 0x9f, // C1 controls, NEL among them
			r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return false
		}
		i += size
	}
	return true
}

type fastParser struct {
	c   *converter
	src string
	// pos is the current position; ls the start of the current line, and
	// line its 1-based number within the document.
	pos, ls, line int

	apiVersion, kind         string
	haveAPIVersion, haveKind bool

	scratch []byte
}

// keyTok is a scanned mapping key.
type keyTok struct {
	raw  string // the key's text, as yaml.Node.Value holds it
	json string // the JSON object key
	next int    // the position after the ':'
}

func isBlankz(s string, i int) bool {
	return i >= len(s) || s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'
}

func isEOL(s string, i int) bool {
	return i >= len(s) || s[i] == '\n' || s[i] == '\r'
}

func (p *fastParser) skipSpaces(i int) int {
	for i < len(p.src) && p.src[i] == ' ' {
		i++
	}
	return i
}

// header skips blank and comment lines and one optional "---" line.
func (p *fastParser) header() bool {
	src := p.src
	marker := false
	for p.ls < len(src) {
		i := p.skipSpaces(p.ls)
		if isEOL(src, i) || src[i] == '#' {
			if !p.toNextLine(i) {
				return true
			}
			continue
		}
		if i == p.ls && strings.HasPrefix(src[i:], "---") && isBlankz(src, i+3) {
			if marker {
				return false
			}
			marker = true
			j := p.skipSpaces(i + 3)
			if j < len(src) && src[j] == '#' && src[j-1] == ' ' {
				if !p.toNextLine(j) {
					return true
				}
				continue
			}
			if !isEOL(src, j) {
				return false
			}
			if !p.toNextLine(j) {
				return true
			}
			continue
		}
		break
	}
	p.pos = p.ls
	return true
}

// toNextLine moves to the start of the line after the one holding i,
// skipping the rest of it. It reports false at the end of the text.
func (p *fastParser) toNextLine(i int) bool {
	j := strings.IndexByte(p.src[i:], '\n')
	if j < 0 {
		p.ls, p.pos = len(p.src), len(p.src)
		return false
	}
	p.ls = i + j + 1
	p.pos = p.ls
	p.line++
	return true
}

// nextContent moves to the first line at or after the current line start
// that holds something other than spaces and a comment, and returns its
// indentation, or -1 at the end of the text; p.pos is then at its first
// character. ok is false on a tab in the indentation or a document marker.
func (p *fastParser) nextContent() (indent int, ok bool) {
	src := p.src
	for p.ls < len(src) {
		i := p.skipSpaces(p.ls)
		if i >= len(src) {
			p.ls, p.pos = len(src), len(src)
			return -1, true
		}
		switch src[i] {
		case '\n', '\r', '#':
			if !p.toNextLine(i) {
				return -1, true
			}
			continue
		case '\t':
			return 0, false
		}
		if i == p.ls && (strings.HasPrefix(src[i:], "---") || strings.HasPrefix(src[i:], "...")) && isBlankz(src, i+3) {
			return 0, false
		}
		p.pos = i
		return i - p.ls, true
	}
	p.pos = p.ls
	return -1, true
}

// finishLine checks that only spaces and a comment follow position i on its
// line, and moves to the next line.
func (p *fastParser) finishLine(i int) bool {
	src := p.src
	j := p.skipSpaces(i)
	if j < len(src) && src[j] == '#' && j > i {
		p.toNextLine(j)
		return true
	}
	if !isEOL(src, j) {
		return false
	}
	p.toNextLine(j)
	return true
}

func (p *fastParser) isDash(i int) bool {
	return i < len(p.src) && p.src[i] == '-' && isBlankz(p.src, i+1)
}

// plainStart reports whether a plain scalar may start at i in the block
// context.
func plainStart(s string, i int) bool {
	switch s[i] {
	case '-', '?', ':':
		return !isBlankz(s, i+1)
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ', '\t', '\n', '\r':
		return false
	}
	return true
}

// scanKey reads a mapping key and its ':' at i. found is false when there is
// no key at i; ok is false when the line is beyond the fast path.
func (p *fastParser) scanKey(i int) (k keyTok, found, ok bool) {
	src := p.src
	if i >= len(src) {
		return k, false, true
	}
	if src[i] == '"' || src[i] == '\'' {
		v, end, ok := p.quoted(i, true)
		if !ok {
			return k, false, false
		}
		j := p.skipSpaces(end)
		if j >= len(src) || src[j] != ':' {
			return k, false, true
		}
		if j-i > maxFastKey || !isBlankz(src, j+1) || j+1 < len(src) && src[j+1] == '\t' {
			return k, false, false
		}
		return keyTok{raw: v, json: v, next: j + 1}, true, true
	}
	if !plainStart(src, i) {
		return k, false, true
	}
	last := i
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '\n', '\r':
			return k, false, true
		case ' ':
			continue
		case '\t':
			return k, false, false
		case '#':
			if src[j-1] == ' ' {
				return k, false, true
			}
		case ':':
			if isBlankz(src, j+1) {
				if j-i > maxFastKey || j+1 < len(src) && src[j+1] == '\t' {
					return k, false, false
				}
				raw := src[i:last]
				if raw == "<<" {
					return k, false, false
				}
				key, ok := plainKey(raw)
				if !ok {
					return k, false, false
				}
				return keyTok{raw: raw, json: key, next: j + 1}, true, true
			}
		}
		last = j + 1
	}
	return k, false, true
}

// mapping reads a block mapping whose keys are at column n; k is its first
// key, already scanned at p.pos.
func (p *fastParser) mapping(n int, h uint64, depth int, root bool, k keyTok) bool {
	if depth > maxDepth {
		return false
	}
	c := p.c
	c.buf = append(c.buf, '{')
	for first := true; ; first = false {
		if !first {
			c.buf = append(c.buf, ',')
		}
		wantRaw := false
		if root {
			switch k.raw {
			case "items":
				return false // a List: the yaml.v3 path expands it
			case "apiVersion":
				wantRaw = !p.haveAPIVersion
			case "kind":
				wantRaw = !p.haveKind
			}
		}
		c.buf = appendKey(c.buf, k.json)
		c.buf = append(c.buf, ':')
		kh := object.HashKey(h, k.json)
		c.lines.Add(kh, c.lineBase+p.line)
		raw, ok := p.mappingValue(k.next, n, kh, depth+1, wantRaw)
		if !ok {
			return false
		}
		if wantRaw {
			if k.raw == "apiVersion" {
				p.apiVersion, p.haveAPIVersion = raw, true
			} else {
				p.kind, p.haveKind = raw, true
			}
		}
		ind, ok := p.nextContent()
		if !ok || ind > n {
			return false
		}
		if ind < n {
			break
		}
		var found bool
		if k, found, ok = p.scanKey(p.pos); !ok || !found {
			return false
		}
	}
	c.buf = append(c.buf, '}')
	return true
}

// mappingValue reads the value of a key of a mapping at column n; i is the
// position after the ':'. It returns the value's text when it is a scalar
// and wantRaw is set.
func (p *fastParser) mappingValue(i, n int, h uint64, depth int, wantRaw bool) (string, bool) {
	if depth > maxDepth {
		return "", false
	}
	src := p.src
	j := p.skipSpaces(i)
	if isEOL(src, j) || src[j] == '#' && j > i {
		if !p.finishLine(i) {
			return "", false
		}
		ind, ok := p.nextContent()
		if !ok {
			return "", false
		}
		switch {
		case ind > n:
			return "", p.block(ind, h, depth)
		case ind == n && p.isDash(p.pos):
			return "", p.sequence(n, h, depth, true)
		}
		p.c.buf = append(p.c.buf, "null"...)
		return "", true
	}
	return p.inline(j, n, h, depth, wantRaw)
}

// block reads a block sequence or mapping that starts at p.pos, at column
// ind.
func (p *fastParser) block(ind int, h uint64, depth int) bool {
	if p.isDash(p.pos) {
		return p.sequence(ind, h, depth, false)
	}
	k, found, ok := p.scanKey(p.pos)
	if !ok || !found {
		return false
	}
	return p.mapping(ind, h, depth, false, k)
}

// sequence reads a block sequence whose dashes are at column d. An
// indentless sequence (the value of a key at the same column) ends at the
// first line at column d without a dash.
func (p *fastParser) sequence(d int, h uint64, depth int, indentless bool) bool {
	if depth > maxDepth {
		return false
	}
	c := p.c
	src := p.src
	c.buf = append(c.buf, '[')
	for i := 0; ; i++ {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		ih := object.HashIndex(h, i)
		dashLine := p.line
		j := p.pos + 1
		if j < len(src) && src[j] == '\t' {
			return false
		}
		k := p.skipSpaces(j)
		if isEOL(src, k) || src[k] == '#' && k > j {
			if !p.finishLine(j) {
				return false
			}
			ind, ok := p.nextContent()
			if !ok {
				return false
			}
			if ind > d {
				if depth+1 > maxDepth {
					return false
				}
				c.lines.Add(ih, c.lineBase+p.line)
				if !p.block(ind, ih, depth+1) {
					return false
				}
			} else {
				c.lines.Add(ih, c.lineBase+dashLine)
				c.buf = append(c.buf, "null"...)
			}
		} else {
			if src[k] == '\t' || p.isDash(k) {
				return false
			}
			c.lines.Add(ih, c.lineBase+dashLine)
			key, found, ok := p.scanKey(k)
			if !ok {
				return false
			}
			if found {
				if !p.mapping(k-p.ls, ih, depth+1, false, key) {
					return false
				}
			} else if _, ok := p.inline(k, d, ih, depth+1, false); !ok {
				return false
			}
		}
		ind, ok := p.nextContent()
		if !ok || ind > d {
			return false
		}
		if ind < d {
			break
		}
		if !p.isDash(p.pos) {
			if indentless {
				break
			}
			return false
		}
	}
	c.buf = append(c.buf, ']')
	return true
}

// inline reads a value that starts at i, on the line of its key or dash;
// parent is the column of the enclosing block collection.
func (p *fastParser) inline(i, parent int, h uint64, depth int, wantRaw bool) (string, bool) {
	if depth > maxDepth {
		return "", false
	}
	src := p.src
	switch src[i] {
	case '"', '\'':
		v, end, ok := p.quoted(i, wantRaw)
		if !ok || !p.finishLine(end) {
			return "", false
		}
		p.appendString(v)
		return v, true
	case '[', '{':
		end, ok := p.flow(i, h, depth)
		if !ok || !p.finishLine(end) {
			return "", false
		}
		return "", true
	case '|', '>':
		return p.blockScalar(i, parent, wantRaw)
	}
	if !plainStart(src, i) {
		return "", false
	}
	last := i
scan:
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '\n', '\r':
			break scan
		case ' ':
			continue
		case '\t':
			return "", false
		case '#':
			if src[j-1] == ' ' {
				break scan
			}
		case ':':
			if isBlankz(src, j+1) {
				return "", false // "a: b: c"
			}
		}
		last = j + 1
	}
	v := src[i:last]
	if wantRaw && !plainIsString(v) {
		if _, ok := resolvePlain(v).(string); !ok {
			return "", false // apiVersion or kind not a string: the slow path explains
		}
	}
	if !p.plain(v) || !p.finishLine(last) {
		return "", false
	}
	return v, true
}

// plain writes a plain scalar as the converter does; false for values it
// cannot write (infinities and NaN).
func (p *fastParser) plain(s string) bool {
	c := p.c
	if plainIsString(s) {
		p.appendString(s)
		return true
	}
	if isDecimal(s) {
		c.buf = append(c.buf, s...)
		return true
	}
	switch v := resolvePlain(s).(type) {
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
			return false
		}
		c.buf = strconv.AppendFloat(c.buf, v, 'g', -1, 64)
	default:
		p.appendString(s)
	}
	return true
}

// plainKey gives the JSON key of a plain mapping key, as sigs.k8s.io/yaml
// writes it; ok is false for keys it rejects (null, integers beyond int64)
// and for those the fast path leaves to it (infinities and NaN).
func plainKey(s string) (string, bool) {
	if plainIsString(s) {
		return s, true
	}
	switch v := resolvePlain(s).(type) {
	case bool:
		return strconv.FormatBool(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return "", false
		}
		return strconv.FormatFloat(v, 'g', -1, 32), true
	case string:
		return v, true
	}
	return "", false
}

// plainIsString reports, cheaply, that resolvePlain(s) is s itself. False
// means that it may not be.
func plainIsString(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' {
		if c == '.' || len(s) > 1 && s[1] == '.' {
			return false // .inf, -.inf, .5 and the like
		}
		if isTimestamp(s) {
			return true
		}
		// Numbers of every base and form use only these characters.
		for i := 0; i < len(s); i++ {
			switch b := s[i]; {
			case b >= '0' && b <= '9', b >= 'a' && b <= 'f', b >= 'A' && b <= 'F',
				b == 'x', b == 'X', b == 'o', b == 'O', b == '_', b == '+', b == '-', b == '.':
			default:
				return true
			}
		}
		return false
	}
	switch s {
	case "~", "null", "Null", "NULL",
		"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return false
	}
	return true
}

// isDecimal reports whether s is a decimal integer that resolvePlain reads
// as itself: no sign, no leading zero, short enough for an int64.
func isDecimal(s string) bool {
	if len(s) == 0 || len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// quoted reads a quoted scalar that starts at i and ends on the same line.
// It returns the value and the position after the closing quote. A value
// with escapes is copied only when keep is set; otherwise it is valid until
// the next call.
func (p *fastParser) quoted(i int, keep bool) (string, int, bool) {
	src := p.src
	q := src[i]
	start := i + 1
	j := start
	for ; j < len(src); j++ {
		switch src[j] {
		case q:
			if q == '\'' && j+1 < len(src) && src[j+1] == '\'' {
				return p.unquote(i, keep)
			}
			return src[start:j], j + 1, true
		case '\\':
			if q == '"' {
				return p.unquote(i, keep)
			}
		case '\n', '\r':
			return "", 0, false
		}
	}
	return "", 0, false
}

// unquote reads a single-line quoted scalar with escapes.
func (p *fastParser) unquote(i int, keep bool) (string, int, bool) {
	src := p.src
	q := src[i]
	s := p.scratch[:0]
	j := i + 1
	for j < len(src) {
		b := src[j]
		switch {
		case b == '\n' || b == '\r':
			return "", 0, false
		case b == q && q == '\'':
			if j+1 < len(src) && src[j+1] == '\'' {
				s = append(s, '\'')
				j += 2
				continue
			}
			return p.keep(s, keep), j + 1, true
		case b == q:
			return p.keep(s, keep), j + 1, true
		case b == '\\' && q == '"':
			if j+1 >= len(src) {
				return "", 0, false
			}
			j++
			code := 0
			switch src[j] {
			case '0':
				s = append(s, 0)
			case 'a':
				s = append(s, '\a')
			case 'b':
				s = append(s, '\b')
			case 't', '\t':
				s = append(s, '\t')
			case 'n':
				s = append(s, '\n')
			case 'v':
				s = append(s, '\v')
			case 'f':
				s = append(s, '\f')
			case 'r':
				s = append(s, '\r')
			case 'e':
				s = append(s, 0x1b)
			case ' ':
				s = append(s, ' ')
			case '"':
				s = append(s, '"')
			case '\'':
				s = append(s, '\'')
			case '\\':
				s = append(s, '\\')
			case 'N':
				s = append(s, "\u0085"...)
			case '_':
				s = append(s, "\u00a0"...)
			case 'L':
				s = append(s, "\u2028"...)
			case 'P':
				s = append(s, "\u2029"...)
			case 'x':
				code = 2
			case 'u':
				code = 4
			case 'U':
				code = 8
			default:
				return "", 0, false // unknown escapes (\/ among them) and escaped line breaks
			}
			j++
			if code > 0 {
				if j+code > len(src) {
					return "", 0, false
				}
				v := 0
				for k := 0; k < code; k++ {
					d := unhex(src[j+k])
					if d < 0 {
						return "", 0, false
					}
					v = v<<4 | d
				}
				if v >= 0xd800 && v <= 0xdfff || v > 0x10ffff {
					return "", 0, false
				}
				s = utf8.AppendRune(s, rune(v))
				j += code
			}
		default:
			s = append(s, b)
			j++
		}
	}
	return "", 0, false
}

func (p *fastParser) keep(s []byte, keep bool) string {
	p.scratch = s
	if keep {
		return string(s)
	}
	return bytesString(s)
}

func unhex(b byte) int {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0')
	case b >= 'a' && b <= 'f':
		return int(b-'a') + 10
	case b >= 'A' && b <= 'F':
		return int(b-'A') + 10
	}
	return -1
}

// blockScalar reads a literal or folded scalar whose indicator is at i, as
// yaml.v3's scanner does; parent is the column of the enclosing block
// collection. It leaves p at the start of the first line after the scalar.
func (p *fastParser) blockScalar(i, parent int, wantRaw bool) (string, bool) {
	src := p.src
	literal := src[i] == '|'
	chomp := 0
	j := i + 1
	if j < len(src) {
		switch src[j] {
		case '+':
			chomp = 1
			j++
		case '-':
			chomp = -1
			j++
		}
	}
	if j < len(src) && src[j] >= '0' && src[j] <= '9' {
		return "", false // indentation indicators
	}
	k := p.skipSpaces(j)
	if !(isEOL(src, k) || src[k] == '#' && k > j) {
		return "", false
	}
	s := p.scratch[:0]
	if !p.toNextLine(k) {
		// The header ends the text: an empty scalar.
		p.appendString("")
		return "", true
	}
	pos := p.ls
	line := p.line
	indent := 0
	col := 0
	trailing := 0 // line breaks after the last content line's own
	// breaks eats indentation and empty lines, as
	// yaml_parser_scan_block_scalar_breaks does; pos is at a line start.
	breaks := func() bool {
		maxIndent := 0
		for {
			ls := pos
			for (indent == 0 || pos-ls < indent) && pos < len(src) && src[pos] == ' ' {
				pos++
			}
			col = pos - ls
			if col > maxIndent {
				maxIndent = col
			}
			if (indent == 0 || col < indent) && pos < len(src) && src[pos] == '\t' {
				return false
			}
			if pos >= len(src) || src[pos] != '\n' && src[pos] != '\r' {
				break
			}
			if src[pos] == '\r' {
				pos++
			}
			pos++
			line++
			trailing++
		}
		if indent == 0 {
			indent = max(maxIndent, parent+1, 1)
		}
		return true
	}
	if !breaks() {
		return "", false
	}
	leadingBreak := false // the last content line ended with a line break
	leadingBlank := false
	for col == indent && pos < len(src) {
		trailingBlank := src[pos] == ' ' || src[pos] == '\t'
		if !literal && !leadingBlank && !trailingBlank && leadingBreak {
			if trailing == 0 {
				s = append(s, ' ')
			}
		} else if leadingBreak {
			s = append(s, '\n')
		}
		leadingBreak = false
		for ; trailing > 0; trailing-- {
			s = append(s, '\n')
		}
		leadingBlank = trailingBlank
		end := pos
		for end < len(src) && src[end] != '\n' && src[end] != '\r' {
			end++
		}
		s = append(s, src[pos:end]...)
		pos = end
		if pos < len(src) {
			if src[pos] == '\r' {
				pos++
			}
			pos++
			line++
			leadingBreak = true
		}
		if !breaks() {
			return "", false
		}
	}
	if chomp != -1 && leadingBreak {
		s = append(s, '\n')
	}
	if chomp == 1 {
		for ; trailing > 0; trailing-- {
			s = append(s, '\n')
		}
	}
	// Resume at the start of the line where the scalar stopped.
	p.ls = pos - col
	p.pos = p.ls
	p.line = line
	p.scratch = s
	v := bytesString(s)
	if wantRaw {
		v = string(s)
	}
	p.appendString(v)
	return v, true
}

// flow reads a flow sequence or mapping that starts at i and ends on the same
// line; it returns the position after it.
func (p *fastParser) flow(i int, h uint64, depth int) (int, bool) {
	if depth > maxDepth {
		return 0, false
	}
	src := p.src
	c := p.c
	line := c.lineBase + p.line
	closer := byte(']')
	if src[i] == '{' {
		closer = '}'
	}
	c.buf = append(c.buf, src[i])
	j, ok := p.flowSpace(i + 1)
	if !ok {
		return 0, false
	}
	if j < len(src) && src[j] == closer {
		c.buf = append(c.buf, closer)
		return j + 1, true
	}
	for n := 0; ; n++ {
		if n > 0 {
			c.buf = append(c.buf, ',')
		}
		if closer == ']' {
			ih := object.HashIndex(h, n)
			c.lines.Add(ih, line)
			if j, ok = p.flowNode(j, ih, depth+1); !ok {
				return 0, false
			}
		} else {
			var key string
			if j >= len(src) {
				return 0, false
			}
			if src[j] == '"' || src[j] == '\'' {
				v, end, ok := p.quoted(j, true)
				if !ok {
					return 0, false
				}
				k, ok := p.flowSpace(end)
				if !ok || k >= len(src) || src[k] != ':' || k-j > maxFastKey {
					return 0, false
				}
				key, j = v, k+1
			} else {
				raw, end, ok := p.flowPlain(j)
				if !ok || end >= len(src) || src[end] != ':' || end-j > maxFastKey || raw == "<<" {
					return 0, false
				}
				pk, ok := plainKey(raw)
				if !ok {
					return 0, false
				}
				key, j = pk, end+1
			}
			kh := object.HashKey(h, key)
			c.lines.Add(kh, line)
			c.buf = appendKey(c.buf, key)
			c.buf = append(c.buf, ':')
			if j, ok = p.flowSpace(j); !ok {
				return 0, false
			}
			if j >= len(src) || src[j] == ',' || src[j] == '}' {
				return 0, false // an empty value
			}
			if j, ok = p.flowNode(j, kh, depth+1); !ok {
				return 0, false
			}
		}
		if j, ok = p.flowSpace(j); !ok || j >= len(src) {
			return 0, false
		}
		switch src[j] {
		case ',':
			if j, ok = p.flowSpace(j + 1); !ok || j >= len(src) || src[j] == closer || src[j] == ',' {
				return 0, false // trailing or doubled commas
			}
		case closer:
			c.buf = append(c.buf, closer)
			return j + 1, true
		default:
			return 0, false
		}
	}
}

// flowSpace skips spaces inside a flow collection; tabs and line ends are
// beyond the fast path.
func (p *fastParser) flowSpace(i int) (int, bool) {
	i = p.skipSpaces(i)
	if i < len(p.src) && p.src[i] == '\t' || isEOL(p.src, i) {
		return 0, false
	}
	return i, true
}

// flowNode reads an item of a flow collection at i.
func (p *fastParser) flowNode(i int, h uint64, depth int) (int, bool) {
	if depth > maxDepth || i >= len(p.src) {
		return 0, false
	}
	switch p.src[i] {
	case '"', '\'':
		v, end, ok := p.quoted(i, false)
		if !ok {
			return 0, false
		}
		p.appendString(v)
		return end, true
	case '[', '{':
		return p.flow(i, h, depth)
	}
	v, end, ok := p.flowPlain(i)
	if !ok || !p.plain(v) {
		return 0, false
	}
	return end, true
}

// flowPlain reads a plain scalar inside a flow collection. It stops before
// ',', ']', '}' and ": ", and gives up on what yaml.v3 reads in ways the
// fast path does not follow.
func (p *fastParser) flowPlain(i int) (string, int, bool) {
	src := p.src
	if i >= len(src) {
		return "", 0, false
	}
	switch src[i] {
	case '-':
		if j := i + 1; isBlankz(src, j) || src[j] == ',' || src[j] == ']' || src[j] == '}' || src[j] == '[' || src[j] == '{' {
			return "", 0, false
		}
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ', '\t', '\n', '\r':
		return "", 0, false
	}
	last := i
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '\n', '\r', '\t', '[', '{', '?':
			return "", 0, false
		case ' ':
			continue
		case ',', ']', '}':
			return src[i:last], last, true
		case ':':
			if j+1 < len(src) && src[j+1] == ' ' {
				return src[i:last], j, true
			}
			// A ':' inside a word is part of it (an image reference, a URL).
			if isBlankz(src, j+1) || strings.IndexByte(",[]{}", src[j+1]) >= 0 {
				return "", 0, false
			}
		case '#':
			if src[j-1] == ' ' {
				return "", 0, false
			}
		}
		last = j + 1
	}
	return "", 0, false
}

// appendString writes a string value as converter.appendString does.
func (p *fastParser) appendString(s string) {
	if plainASCII(s) {
		c := p.c
		c.buf = append(c.buf, '"')
		c.buf = append(c.buf, s...)
		c.buf = append(c.buf, '"')
		return
	}
	p.c.appendString(s)
}

// appendKey writes a JSON object key as converter.mapping does.
func appendKey(buf []byte, s string) []byte {
	if plainASCII(s) {
		buf = append(buf, '"')
		buf = append(buf, s...)
		return append(buf, '"')
	}
	return appendJSONString(buf, s)
}

// plainASCII reports whether appendJSONString copies s as it is: printable
// ASCII without quotes or backslashes.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b >= 0x7f || b == '"' || b == '\\' {
			return false
		}
	}
	return true
}

// bytesString views b as a string without copying it. The fast path only
// appends such views to the JSON text before b is written again.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
