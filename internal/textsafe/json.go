package textsafe

import (
	"encoding/binary"
	"io"
	"unicode/utf8"
)

// JSONWriter passes JSON text through to its writer with the unsafe
// characters that encoding/json leaves as they are (DEL, the C1 controls and
// the bidi controls; it already escapes the C0 controls, U+2028 and U+2029)
// written as \u escapes. JSON text holds bytes outside printable ASCII only
// inside strings, where an escape stands for the very same character, so
// the document decodes to the same values; but a terminal or an editor that
// shows the file sees the escape, not the control.
//
// Writes may split a character; Close writes what is left of one (a valid
// JSON document ends in ASCII, so nothing is).
type JSONWriter struct {
	w io.Writer
	// carry is the start of a character split by the end of a Write.
	carry []byte
	buf   []byte
}

// NewJSONWriter returns a JSONWriter writing to w.
func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{w: w} }

// Write writes p, escaping unsafe characters; it reports len(p) on success.
func (j *JSONWriter) Write(p []byte) (int, error) {
	n := len(p)
	if len(j.carry) > 0 {
		// A new slice: the loop below may set carry again.
		p = append(j.carry[:len(j.carry):len(j.carry)], p...)
		j.carry = j.carry[:0]
	}
	last := 0
	for i := 0; i < len(p); i++ {
		i += plainPrefix(p[i:])
		if i >= len(p) {
			break
		}
		c := p[i]
		if c != 0x7f && c != 0xc2 && c != 0xe2 {
			continue
		}
		if !utf8.FullRune(p[i:]) {
			if _, err := j.w.Write(p[last:i]); err != nil {
				return 0, err
			}
			j.carry = append(j.carry[:0], p[i:]...)
			return n, nil
		}
		r, width := utf8.DecodeRune(p[i:])
		if !Unsafe(r) {
			continue
		}
		if _, err := j.w.Write(p[last:i]); err != nil {
			return 0, err
		}
		if err := j.emit(p[i:i+width], r); err != nil {
			return 0, err
		}
		i += width - 1
		last = i + 1
	}
	if _, err := j.w.Write(p[last:]); err != nil {
		return 0, err
	}
	return n, nil
}

// plainPrefix returns the length of the run of ASCII below DEL that p
// starts with, eight bytes at a time: JSON text is mostly that.
func plainPrefix(p []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(p); i += 8 {
		x := binary.LittleEndian.Uint64(p[i:])
		del := x ^ (ones * 0x7f) // a zero byte where p holds DEL
		if x&highs != 0 || (del-ones)&^del&highs != 0 {
			break
		}
	}
	for i < len(p) && p[i] < 0x7f {
		i++
	}
	return i
}

// emit writes the character r, whose bytes are raw, escaped when unsafe.
func (j *JSONWriter) emit(raw []byte, r rune) error {
	if !Unsafe(r) || r == utf8.RuneError {
		_, err := j.w.Write(raw)
		return err
	}
	j.buf = append(j.buf[:0], '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
	_, err := j.w.Write(j.buf)
	return err
}

// Close writes what is left of a character split by the last Write.
func (j *JSONWriter) Close() error {
	if len(j.carry) == 0 {
		return nil
	}
	_, err := j.w.Write(j.carry)
	j.carry = j.carry[:0]
	return err
}

// AppendJSON appends JSON text to b with the unsafe characters written as
// \u escapes, as a JSONWriter writes it.
func AppendJSON(b, text []byte) []byte {
	w := sliceWriter{b}
	j := JSONWriter{w: &w}
	_, _ = j.Write(text) // a sliceWriter never fails
	_ = j.Close()
	return w.b
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}
