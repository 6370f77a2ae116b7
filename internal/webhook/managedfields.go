package webhook

// withoutManagedFields returns raw, a JSON object as the API server sends it
// in a review, with its metadata.managedFields member cut out: no check
// reads it, and on an object written by server-side apply or a controller
// it is often the larger part of the text. The cut is made by a scan that
// skips values without decoding them; raw is returned as it is when it
// holds no managedFields or is not well-formed JSON as far as the scan
// goes (the decoder then reports what is wrong).
func withoutManagedFields(raw []byte) []byte {
	s := scanner{b: raw}
	s.ws()
	if !s.eat('{') {
		return raw
	}
	metaStart, metaEnd, ok := s.findMember("metadata")
	if s.ws(); !ok || metaStart < 0 || s.i != len(raw) {
		return raw
	}
	m := scanner{b: raw[:metaEnd], i: metaStart}
	if !m.eat('{') {
		return raw
	}
	// from is where the member's key (or the comma before it) starts,
	// to where its value (or the comma after it) ends.
	from, to, ok := m.memberSpan("managedFields")
	if !ok {
		return raw
	}
	out := make([]byte, 0, len(raw)-(to-from))
	out = append(out, raw[:from]...)
	return append(out, raw[to:]...)
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// findMember scans the members of the object whose '{' was just read and
// returns the span of the value of the member named key (-1 when there is
// none) and whether the object is well formed to its end and names key at
// most once.
func (s *scanner) findMember(key string) (start, end int, ok bool) {
	start, end = -1, -1
	if s.eat('}') {
		return start, end, true
	}
	for {
		k, plain, ok := s.str()
		if !ok || !s.eat(':') {
			return 0, 0, false
		}
		s.ws()
		vs := s.i
		if !s.value(0) {
			return 0, 0, false
		}
		if plain && string(k) == key {
			if start >= 0 {
				return 0, 0, false // a duplicate: leave such input alone
			}
			start, end = vs, s.i
		} else if !plain {
			// A key with escapes could spell key; leave such input alone.
			return 0, 0, false
		}
		if s.eat(',') {
			continue
		}
		return start, end, s.eat('}')
	}
}

// memberSpan scans the members of the object whose '{' was just read and
// returns the span to cut to remove the member named key with one comma,
// when it occurs exactly once.
func (s *scanner) memberSpan(key string) (from, to int, ok bool) {
	found := 0
	if s.eat('}') {
		return 0, 0, false
	}
	prevEnd := -1 // end of the previous member's value
	for {
		s.ws()
		ks := s.i
		k, plain, good := s.str()
		if !good || !plain || !s.eat(':') {
			return 0, 0, false
		}
		s.ws()
		if !s.value(0) {
			return 0, 0, false
		}
		ve := s.i
		if string(k) == key {
			found++
			if prevEnd >= 0 {
				from, to = prevEnd, ve // ", key: value"
			} else {
				from = ks // "key: value," (or the only member)
				to = ve
				save := s.i
				if s.eat(',') {
					s.ws()
					to = s.i
				}
				s.i = save
			}
		}
		prevEnd = ve
		if s.eat(',') {
			continue
		}
		if !s.eat('}') || found != 1 {
			return 0, 0, false
		}
		return from, to, true
	}
}

// str reads a string and returns its text, which aliases the input, when
// it holds no escape.
func (s *scanner) str() (text []byte, plain, ok bool) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false, false
	}
	s.i++
	start := s.i
	plain = true
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			text = s.b[start:s.i]
			s.i++
			return text, plain, true
		case c == '\\':
			plain = false
			if !s.escape() {
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		default:
			s.i++
		}
	}
	return nil, false, false
}

// escape skips a backslash escape, by JSON's grammar.
func (s *scanner) escape() bool {
	s.i++ // the backslash
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.i++
		return true
	case 'u':
		s.i++
		for range 4 {
			if s.i >= len(s.b) || !isHex(s.b[s.i]) {
				return false
			}
			s.i++
		}
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

const maxDepth = 10000

// value skips one JSON value.
func (s *scanner) value(depth int) bool {
	if depth > maxDepth {
		return false
	}
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '{':
		s.i++
		if s.eat('}') {
			return true
		}
		for {
			if _, _, ok := s.str(); !ok || !s.eat(':') || !s.value(depth+1) {
				return false
			}
			if s.eat(',') {
				continue
			}
			return s.eat('}')
		}
	case '[':
		s.i++
		if s.eat(']') {
			return true
		}
		for {
			if !s.value(depth + 1) {
				return false
			}
			if s.eat(',') {
				continue
			}
			return s.eat(']')
		}
	case '"':
		_, _, ok := s.str()
		return ok
	default:
		return s.scalar()
	}
}

// scalar skips a number or one of the literals true, false and null, by
// JSON's grammar.
func (s *scanner) scalar() bool {
	for _, lit := range []string{"true", "false", "null"} {
		if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
			s.i += len(lit)
			return true
		}
	}
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.digits() == 0:
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}
