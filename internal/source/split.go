package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// rawDocument is one document of a YAML stream, as text.
type rawDocument struct {
	text []byte
	line int // 1-based line of the document's first line
	// json is set for a value of a JSON stream, which kubectl sends to the
	// API server as it is written.
	json bool
}

// streamDocuments yields the documents of a file as kubectl reads them: a
// file whose first character (after white space) is '{' is a stream of JSON
// values, read as JSON until one does not parse; the rest of the file, and
// every other file, is a YAML stream.
func streamDocuments(data []byte) iter.Seq[rawDocument] {
	return func(yield func(rawDocument) bool) {
		rest, line := data, 1
		if t := bytes.TrimLeftFunc(data, unicode.IsSpace); len(t) > 0 && t[0] == '{' {
			dec := json.NewDecoder(bytes.NewReader(data))
			counted := 0 // bytes whose lines are counted in line
			for {
				var raw json.RawMessage
				start := skipSpace(data, int(dec.InputOffset()))
				if start >= len(data) {
					return
				}
				if err := dec.Decode(&raw); err != nil {
					line += bytes.Count(data[counted:start], []byte{'\n'})
					rest = data[start:]
					break
				}
				line += bytes.Count(data[counted:start], []byte{'\n'})
				counted = start
				if !yield(rawDocument{text: raw, line: line, json: true}) {
					return
				}
			}
		}
		for d := range documents(rest) {
			d.line += line - 1
			if !yield(d) {
				return
			}
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		r, size := utf8.DecodeRune(data[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// lineBreak returns the length of the line break at data[i], or 0. YAML
// parsers (kubectl's among them) break lines at LF, CR, CRLF, NEL, LS and PS.
func lineBreak(data []byte, i int) int {
	switch data[i] {
	case '\n':
		return 1
	case '\r':
		if i+1 < len(data) && data[i+1] == '\n' {
			return 2
		}
		return 1
	case 0xc2:
		if i+1 < len(data) && data[i+1] == 0x85 {
			return 2 // NEL
		}
	case 0xe2:
		if i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xa8 || data[i+2] == 0xa9) {
			return 3 // LS, PS
		}
	}
	return 0
}

// nextLine returns the end of the line that starts at pos (before its
// break) and the start of the next line.
func nextLine(data []byte, pos int) (end, next int) {
	for i := pos; i < len(data); i++ {
		switch data[i] {
		case '\n', '\r', 0xc2, 0xe2:
			if n := lineBreak(data, i); n > 0 {
				return i, i + n
			}
		}
	}
	return len(data), len(data)
}

// marker reports whether line is a document marker ("---" or "...", at the
// start of the line and followed by a blank or the end of the line), and
// which. kubectl also takes "---#comment" for a document start, so it is one
// here too.
func marker(line []byte) (start, end bool) {
	if len(line) < 3 || !(bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("..."))) {
		return false, false
	}
	if len(line) > 3 && line[3] != ' ' && line[3] != '\t' && !(line[3] == '#' && line[0] == '-') {
		return false, false
	}
	return line[0] == '-', line[0] == '.'
}

// splitDocuments cuts a YAML stream into its documents, as the YAML spec
// marks them: a "---" line starts a document (unless only directives,
// comments and blank lines came before it in the current one), and a "..."
// line ends one, so that text after it is a document of its own. Every YAML
// line break counts. A document with a syntax error therefore does not take
// the rest of the stream with it, and no document hides inside another.
func splitDocuments(data []byte) []rawDocument {
	return slices.Collect(documents(data))
}

// documents yields the documents of a YAML stream one at a time, as
// splitDocuments cuts them, so that a stream of millions of tiny documents
// is never held as a list.
func documents(data []byte) iter.Seq[rawDocument] {
	if lfBreaks(data) {
		return splitWith(data, nextLF)
	}
	return splitWith(data, nextLine)
}

// splitWith is documents with the given way to find lines.
func splitWith(data []byte, next func(data []byte, pos int) (end, next int)) iter.Seq[rawDocument] {
	return func(yield func(rawDocument) bool) {
		start, startLine, line := 0, 1, 1
		content := false // the current document has more than directives and comments
		for pos := 0; pos < len(data); line++ {
			end, nextPos := next(data, pos)
			l := data[pos:end]
			isStart, isEnd := marker(l)
			switch {
			case isStart:
				if content {
					if !yield(rawDocument{text: data[start:pos], line: startLine}) {
						return
					}
					start, startLine = pos, line
				}
				content = true
			case isEnd:
				if !yield(rawDocument{text: data[start:nextPos], line: startLine}) {
					return
				}
				start, startLine, content = nextPos, line+1, false
			case !content && !ignorable(l):
				content = true
			}
			pos = nextPos
		}
		if start < len(data) {
			yield(rawDocument{text: data[start:], line: startLine})
		}
	}
}

// lfBreaks reports whether every line break in data is LF or CRLF, so that
// lines can be found with a fast search for LF alone.
func lfBreaks(data []byte) bool {
	if cr := bytes.Count(data, []byte{'\r'}); cr > 0 && cr != bytes.Count(data, []byte("\r\n")) {
		return false
	}
	return !bytes.Contains(data, []byte("\u0085")) && !bytes.Contains(data, []byte("\u2028")) && !bytes.Contains(data, []byte("\u2029"))
}

// nextLF is nextLine for text whose breaks are LF or CRLF.
func nextLF(data []byte, pos int) (end, next int) {
	i := bytes.IndexByte(data[pos:], '\n')
	if i < 0 {
		return len(data), len(data)
	}
	end, next = pos+i, pos+i+1
	if end > pos && data[end-1] == '\r' {
		end--
	}
	return end, next
}

// ignorable reports whether a line may stand before a document's "---"
// marker: blank, a comment or a directive.
func ignorable(l []byte) bool {
	t := bytes.TrimLeft(l, " \t")
	return len(t) == 0 || t[0] == '#' || len(l) > 0 && l[0] == '%'
}

// checkText reports the first place in a document that no YAML parser
// reads: a byte that is not UTF-8, or a NUL. It returns the 1-based line
// within text and a description, or 0.
func checkText(text []byte) (int, string) {
	line := 1
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			switch b {
			case 0:
				return line, "a NUL byte"
			case '\n':
				line++
			case '\r':
				if i+1 >= len(text) || text[i+1] != '\n' {
					line++
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size == 1 {
			return line, fmt.Sprintf("a byte that is not UTF-8 (0x%02x)", b)
		}
		if r == 0x85 || r == 0x2028 || r == 0x2029 {
			line++
		}
		i += size
	}
	return 0, ""
}

// transcode turns a UTF-16 text with a byte order mark into UTF-8, as YAML
// parsers read it, and drops a UTF-8 byte order mark. Other text is returned
// as it is.
func transcode(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		big := data[0] == 0xfe
		data = data[2:]
		units := make([]uint16, len(data)/2)
		for i := range units {
			if big {
				units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			} else {
				units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
			}
		}
		out := make([]byte, 0, len(data))
		for _, r := range utf16.Decode(units) {
			out = utf8.AppendRune(out, r)
		}
		if len(data)%2 == 1 {
			out = append(out, 0xff) // an odd byte: reported as not UTF-8
		}
		return out
	}
	return data
}
