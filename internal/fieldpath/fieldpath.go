package fieldpath

import (
	"iter"
	"strconv"
	"strings"
)

// Segment is one step of a path: a map key, or a list index when IsIndex is true.
type Segment struct {
	Key     string
	Index   int
	IsIndex bool
}

// Key returns path extended by a map key. It quotes the key when it is not a
// plain identifier, so that Parse recovers it exactly.
func Key(path, key string) string {
	if !plain(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// Join returns path extended by a relative path written in the same syntax
// (for example "securityContext.privileged").
func Join(path, rel string) string {
	switch {
	case rel == "":
		return path
	case path == "":
		return rel
	case rel[0] == '[':
		return path + rel
	}
	return path + "." + rel
}

// Index returns path extended by a list index.
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

func plain(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c == '_' || c == '-' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

// Parse splits a path into segments. It accepts every path that Key, Join and
// Index build; it is lenient with anything else, treating unparsable brackets
// as part of a key, so a malformed path degrades to a shorter match rather
// than an error.
func Parse(path string) []Segment {
	var segs []Segment
	for seg := range Segments(path) {
		segs = append(segs, seg)
	}
	return segs
}

// Segments yields the segments of path, as Parse returns them, without
// allocating.
func Segments(path string) iter.Seq[Segment] {
	return func(yield func(Segment) bool) {
		i := 0
		for i < len(path) {
			switch path[i] {
			case '.':
				i++
			case '[':
				end, seg, ok := parseBracket(path, i)
				if !ok {
					yield(Segment{Key: path[i:]})
					return
				}
				if !yield(seg) {
					return
				}
				i = end
			default:
				j := i
				for j < len(path) && path[j] != '.' && path[j] != '[' {
					j++
				}
				if !yield(Segment{Key: path[i:j]}) {
					return
				}
				i = j
			}
		}
	}
}

// parseBracket parses [N] or ["key"] starting at path[i] == '['.
func parseBracket(path string, i int) (end int, seg Segment, ok bool) {
	if i+1 < len(path) && path[i+1] == '"' {
		// Find the closing quote that is followed by ']'.
		for j := i + 2; j < len(path); j++ {
			if path[j] == '\\' {
				j++
				continue
			}
			if path[j] == '"' {
				if j+1 >= len(path) || path[j+1] != ']' {
					return 0, Segment{}, false
				}
				key, err := strconv.Unquote(path[i+1 : j+1])
				if err != nil {
					return 0, Segment{}, false
				}
				return j + 2, Segment{Key: key}, true
			}
		}
		return 0, Segment{}, false
	}
	close := strings.IndexByte(path[i:], ']')
	if close < 0 {
		return 0, Segment{}, false
	}
	n, err := strconv.Atoi(path[i+1 : i+close])
	if err != nil || n < 0 {
		return 0, Segment{}, false
	}
	return i + close + 1, Segment{Index: n, IsIndex: true}, true
}
