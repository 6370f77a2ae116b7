// Package textsafe makes text that comes from scanned input (kinds, names,
// namespaces, file names, annotation values, error messages quoting input)
// safe to show: every character that could drive a terminal or disguise
// text is shown as an escape instead of being emitted.
//
// Those characters are the C0 controls (other than line feed and tab, which
// Text keeps and Line shows), DEL, the C1 controls, the Unicode bidi controls
// (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and the line and paragraph
// separators U+2028 and U+2029. They are shown as \x1b (below U+0080) or
// \u202e (Line shows line feeds and tabs as \n and \t). Every renderer and the CLI's standard error go through this
// package; the formats then add their own escaping (Markdown, HTML, XML) on
// top.
package textsafe

import (
	"strings"
	"unicode/utf8"
)

// Unsafe reports whether r is shown as an escape by Line (Text keeps line
// feeds and tabs).
func Unsafe(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return true
	case r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return false
}

// unsafeInText is Unsafe less line feed and tab.
func unsafeInText(r rune) bool { return r != '\n' && r != '\t' && Unsafe(r) }

// Text returns s with every unsafe character other than line feed and tab
// shown as an escape, and invalid UTF-8 replaced by U+FFFD: for text that may
// span lines (messages, reasons). Text that needs no change is returned as
// it is, without allocating.
func Text(s string) string { return escape(s, unsafeInText) }

// Line is Text with line feeds and tabs shown too (\n, \t), for values that
// must stay on one line (names, locations, table cells).
func Line(s string) string { return escape(s, Unsafe) }

// AppendText appends Text(s) to b.
func AppendText(b []byte, s string) []byte { return appendEscape(b, s, unsafeInText) }

// AppendLine appends Line(s) to b.
func AppendLine(b []byte, s string) []byte { return appendEscape(b, s, Unsafe) }

// TextFrom replaces b[start:] with Text of it, in place when it needs no
// change (printable ASCII, line feeds and tabs, as nearly all text is).
func TextFrom(b []byte, start int) []byte {
	for _, c := range b[start:] {
		if (c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f {
			return AppendText(b[:start], string(b[start:]))
		}
	}
	return b
}

// LineFrom replaces b[start:] with Line of it, in place when it needs no
// change (printable ASCII, as nearly all text is).
func LineFrom(b []byte, start int) []byte {
	for _, c := range b[start:] {
		if c < 0x20 || c >= 0x7f {
			return AppendLine(b[:start], string(b[start:]))
		}
	}
	return b
}

func escape(s string, unsafe func(rune) bool) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unsafe) {
		return s
	}
	return string(appendEscape(make([]byte, 0, len(s)+16), s, unsafe))
}

const hexDigits = "0123456789abcdef"

func appendEscape(b []byte, s string, unsafe func(rune) bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			b = append(b, c)
			i++
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		switch {
		case r == utf8.RuneError && width == 1:
			b = append(b, "\ufffd"...)
		case !unsafe(r):
			b = utf8.AppendRune(b, r)
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x80:
			b = append(b, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf])
		default:
			b = append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		}
	}
	return b
}
