package textsafe

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextAndLine(t *testing.T) {
	tests := []struct{ in, text, line string }{
		{"plain", "plain", "plain"},
		{"héllo wörld ✓", "héllo wörld ✓", "héllo wörld ✓"},
		{"a\nb\tc", "a\nb\tc", `a\nb\tc`},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`, `\x1b]0;pwned\x07`},
		{"\x1b[2J", `\x1b[2J`, `\x1b[2J`},
		{"cr\rlf", `cr\x0dlf`, `cr\x0dlf`},
		{"nul\x00del\x7f", `nul\x00del\x7f`, `nul\x00del\x7f`},
		{"c1\u009b31m", `c1\u009b31m`, `c1\u009b31m`},
		{"evil\u202egpj.exe", `evil\u202egpj.exe`, `evil\u202egpj.exe`},
		{"\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f", `\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f`, `\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f`},
		{"ls\u2028ps\u2029", `ls\u2028ps\u2029`, `ls\u2028ps\u2029`},
		{"bad\xffutf8", "bad\ufffdutf8", "bad\ufffdutf8"},
	}
	for _, tc := range tests {
		if got := Text(tc.in); got != tc.text {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.text)
		}
		if got := Line(tc.in); got != tc.line {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
		}
		if got := string(TextFrom([]byte("x"+tc.in), 1)); got != "x"+tc.text {
			t.Errorf("TextFrom(%q) = %q, want %q", tc.in, got, "x"+tc.text)
		}
		if got := string(LineFrom([]byte("x"+tc.in), 1)); got != "x"+tc.line {
			t.Errorf("LineFrom(%q) = %q, want %q", tc.in, got, "x"+tc.line)
		}
	}
}

// TestEveryUnsafeRuneIsShown walks the ranges the package promises to
// escape and checks that neither Text nor Line emits any of them.
func TestEveryUnsafeRuneIsShown(t *testing.T) {
	var promised []rune
	for r := rune(0); r < 0x20; r++ {
		promised = append(promised, r)
	}
	for r := rune(0x7f); r <= 0x9f; r++ {
		promised = append(promised, r)
	}
	for _, rng := range [][2]rune{{0x200e, 0x200f}, {0x202a, 0x202e}, {0x2066, 0x2069}, {0x2028, 0x2029}} {
		for r := rng[0]; r <= rng[1]; r++ {
			promised = append(promised, r)
		}
	}
	for _, r := range promised {
		in := "a" + string(r) + "b"
		if got := Line(in); strings.ContainsRune(got, r) {
			t.Errorf("Line(%q) = %q still holds U+%04X", in, got, r)
		}
		if got := Text(in); strings.ContainsRune(got, r) && r != '\n' && r != '\t' {
			t.Errorf("Text(%q) = %q still holds U+%04X", in, got, r)
		}
	}
}

func TestNoAllocationForSafeText(t *testing.T) {
	s := "Deployment payments/ledger: container \"app\" must not set securityContext.privileged=true"
	if n := testing.AllocsPerRun(100, func() { _ = Line(s); _ = Text(s) }); n != 0 {
		t.Errorf("Line and Text of safe text allocate %v times, want 0", n)
	}
}

// TestJSONWriter checks that the writer escapes what encoding/json leaves raw,
// whichever way the document is split into writes, and that the document
// still decodes to the same values.
func TestJSONWriter(t *testing.T) {
	value := map[string]string{
		"kind":    "\x1b]0;pwned\x07",
		"del":     "a\x7fb",
		"c1":      "\u009b2J",
		"bidi":    "evil\u202egpj.exe \u2066x\u2069 \u200f",
		"lines":   "a\u2028b\u2029c",
		"unicode": "héllo ✓ 日本",
	}
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(value); err != nil {
		t.Fatal(err)
	}
	if !bytes.ContainsRune(doc.Bytes(), 0x202e) {
		t.Fatal("encoding/json now escapes U+202E itself; this test no longer exercises the writer")
	}
	for _, size := range []int{1, 2, 3, 5, 7, doc.Len()} {
		var out bytes.Buffer
		jw := NewJSONWriter(&out)
		for b := doc.Bytes(); len(b) > 0; {
			n := min(size, len(b))
			if _, err := jw.Write(b[:n]); err != nil {
				t.Fatal(err)
			}
			b = b[n:]
		}
		if err := jw.Close(); err != nil {
			t.Fatal(err)
		}
		for _, r := range string(out.Bytes()) {
			if Unsafe(r) && r != '\n' {
				t.Fatalf("writes of %d bytes: output holds U+%04X:\n%s", size, r, out.String())
			}
		}
		if !utf8.Valid(out.Bytes()) {
			t.Fatalf("writes of %d bytes: output is not UTF-8", size)
		}
		var got map[string]string
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("writes of %d bytes: %v\n%s", size, err, out.String())
		}
		for k, v := range value {
			if got[k] != v {
				t.Errorf("writes of %d bytes: %s = %q, want %q", size, k, got[k], v)
			}
		}
		if !strings.Contains(out.String(), `evil\u202egpj.exe`) {
			t.Errorf("writes of %d bytes: U+202E not escaped:\n%s", size, out.String())
		}
	}
}

func TestPlainPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 2000; n++ {
		p := make([]byte, r.IntN(40))
		for i := range p {
			p[i] = byte(0x20 + r.IntN(0x5f))
		}
		if len(p) > 0 && r.IntN(2) == 0 {
			p[r.IntN(len(p))] = []byte{0x7f, 0x80, 0xc2, 0xe2, 0xff}[r.IntN(5)]
		}
		want := 0
		for want < len(p) && p[want] < 0x7f {
			want++
		}
		if got := plainPrefix(p); got != want {
			t.Fatalf("plainPrefix(%q) = %d, want %d", p, got, want)
		}
	}
}
