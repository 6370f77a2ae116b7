package report

import (
	"bufio"
	"cmp"
	"encoding/xml"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/textsafe"
)

func init() { registerFormat("junit", renderJUnit) }

// renderJUnit writes a JUnit XML report for CI systems: one testsuite per
// STRIDE category with a failing testcase per (check, resource), a skipped
// one per suppressed (check, resource), a passing one per check that ran
// without findings and a skipped one, with the reason, per check that had
// nothing to judge (Report.NotEvaluated); and, when input could not be read or evaluated, a
// "kubestride" testsuite with an erroring testcase per error.
//
// The bytes are those encoding/xml writes for the document with two-space
// indentation (junit_test.go holds the writer to that). A first pass over
// the findings groups them into testcases, keeping only their indexes, and
// counts the testcases of each suite, since the counts come first in the
// document; the second writes one testcase at a time.
func renderJUnit(w io.Writer, r *Report, _ Options) error {
	p := planJUnit(r)
	bw := bufio.NewWriterSize(w, 64<<10)
	x := xmlWriter{w: bw}
	x.raw(xml.Header)

	var total junitCounts
	for _, s := range p.suites {
		total.add(s.counts)
	}
	input := junitCounts{tests: len(problems(r)), errors: len(problems(r))}
	total.add(input)
	x.buf = append(x.buf[:0], `<testsuites name="`...)
	x.buf = appendXMLEscape(x.buf, toolName(r.Tool), false)
	x.buf = append(x.buf, '"')
	x.buf = total.appendAttrs(x.buf)
	x.buf = append(x.buf, '>')
	x.flushBuf()

	for _, s := range p.suites {
		x.suiteStart(s.name, s.counts)
		for _, g := range p.groups[s.groups[0]:s.groups[1]] {
			x.testcase(r, p.order[g.start:g.end])
		}
		for _, m := range s.passing {
			x.buf = append(x.buf[:0], "\n    <testcase name=\"all resources\" classname=\""...)
			x.buf = appendXMLEscape(x.buf, string(m.ID), false)
			x.buf = append(x.buf, "\"></testcase>"...)
			x.flushBuf()
		}
		for _, m := range s.notEvaluated {
			x.buf = append(x.buf[:0], "\n    <testcase name=\"all resources\" classname=\""...)
			x.buf = appendXMLEscape(x.buf, string(m.ID), false)
			x.buf = append(x.buf, "\">\n      <skipped message=\""...)
			x.buf = appendXMLEscape(x.buf, r.NotEvaluated[m.ID], false)
			x.buf = append(x.buf, "\"></skipped>\n    </testcase>"...)
			x.flushBuf()
		}
		x.raw("\n  </testsuite>")
	}

	if len(problems(r)) > 0 || len(r.Notices) > 0 {
		x.suiteStart("kubestride", input)
		for _, e := range problems(r) {
			name := fileLine(e.File, e.Line)
			if name == "" {
				name = "scan"
			}
			b := append(x.buf[:0], "\n    <testcase name=\""...)
			b = appendXMLEscape(b, name, false)
			b = append(b, "\" classname=\"kubestride.input\">\n      <error message=\""...)
			b = appendXMLEscape(b, e.Message, false)
			b = append(b, "\" type=\"could not be read or evaluated\">"...)
			b = appendXMLEscape(b, e.Message, true)
			b = append(b, "</error>\n    </testcase>"...)
			x.buf = b
			x.flushBuf()
		}
		if len(r.Notices) > 0 {
			x.raw("\n    <system-out>")
			for _, n := range r.Notices {
				b := x.buf[:0]
				if loc := fileLine(n.File, n.Line); loc != "" {
					b = appendXMLEscape(b, loc, true)
					b = append(b, ": "...)
				}
				b = append(b, "notice: "...)
				b = appendXMLEscape(b, n.Message, true)
				x.buf = append(b, '\n')
				x.flushBuf()
			}
			x.raw("</system-out>")
		}
		x.raw("\n  </testsuite>")
	}

	if len(p.suites) == 0 && len(problems(r)) == 0 && len(r.Notices) == 0 {
		x.raw("</testsuites>\n")
	} else {
		x.raw("\n</testsuites>\n")
	}
	if x.err != nil {
		return x.err
	}
	return bw.Flush()
}

// junitCounts are the counts a testsuite (or the testsuites element) carries.
type junitCounts struct{ tests, failures, errors, skipped int }

func (c *junitCounts) add(o junitCounts) {
	c.tests += o.tests
	c.failures += o.failures
	c.errors += o.errors
	c.skipped += o.skipped
}

// appendAttrs appends the counts as attributes, each after a space.
func (c junitCounts) appendAttrs(b []byte) []byte {
	for _, a := range [...]struct {
		name string
		n    int
	}{{"tests", c.tests}, {"failures", c.failures}, {"errors", c.errors}, {"skipped", c.skipped}} {
		b = append(b, ' ')
		b = append(b, a.name...)
		b = append(b, `="`...)
		b = strconv.AppendInt(b, int64(a.n), 10)
		b = append(b, '"')
	}
	return b
}

// junitPlan is what the first pass learns: the findings grouped into
// testcases, the testcases in document order, and the suites.
type junitPlan struct {
	// order holds finding indexes, those of each testcase together and in
	// report order.
	order []int32
	// groups are the testcases in document order.
	groups []junitGroup
	suites []junitSuitePlan
}

// junitGroup is a testcase: order[start:end] are the indexes of its findings,
// the first of them first; rank is the position of that finding's category
// among the suites.
type junitGroup struct{ start, end, first, rank int32 }

type junitSuitePlan struct {
	name   string
	counts junitCounts
	// groups[0]:groups[1] is the suite's range of junitPlan.groups.
	groups [2]int
	// passing are the checks of the suite's category that ran without
	// findings, and notEvaluated those that had nothing to judge.
	passing, notEvaluated []check.Meta
}

// planJUnit groups the findings into testcases, one per check, resource and
// suppressed or not, and orders them as the document lists them: by the
// category of their first finding, then by where that finding is in the
// report. It sorts finding indexes rather than collecting findings, so it
// keeps a few bytes per finding and nothing of their text.
func planJUnit(r *Report) junitPlan {
	fs := r.Findings
	order := make([]int32, len(fs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := compareTestcase(&fs[a], &fs[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})

	var groups []junitGroup
	ran := map[check.ID]bool{}
	present := map[check.Category]bool{}
	for i := 0; i < len(order); {
		j := i + 1
		for j < len(order) && compareTestcase(&fs[order[i]], &fs[order[j]]) == 0 {
			j++
		}
		f := &fs[order[i]]
		groups = append(groups, junitGroup{start: int32(i), end: int32(j), first: order[i]})
		ran[f.ID] = true
		present[f.Category] = true
		i = j
	}
	passing := map[check.Category][]check.Meta{}
	notEvaluated := map[check.Category][]check.Meta{}
	for _, m := range r.Rules {
		switch _, skip := r.NotEvaluated[m.ID]; {
		case ran[m.ID]:
			continue
		case skip:
			notEvaluated[m.Category] = append(notEvaluated[m.Category], m)
		default:
			passing[m.Category] = append(passing[m.Category], m)
		}
		present[m.Category] = true
	}
	cats := categoryOrder(present)
	rank := make(map[check.Category]int32, len(cats))
	for i, c := range cats {
		rank[c] = int32(i)
	}
	for i := range groups {
		groups[i].rank = rank[fs[groups[i].first].Category]
	}
	slices.SortFunc(groups, func(a, b junitGroup) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		return cmp.Compare(a.first, b.first)
	})

	p := junitPlan{order: order, groups: groups}
	g := 0
	for i, c := range cats {
		s := junitSuitePlan{name: string(c), passing: passing[c], notEvaluated: notEvaluated[c]}
		s.groups[0] = g
		for ; g < len(groups) && groups[g].rank == int32(i); g++ {
			if fs[groups[g].first].Suppressed != nil {
				s.counts.skipped++
			} else {
				s.counts.failures++
			}
		}
		s.groups[1] = g
		s.counts.skipped += len(s.notEvaluated)
		s.counts.tests = s.groups[1] - s.groups[0] + len(s.passing) + len(s.notEvaluated)
		p.suites = append(p.suites, s)
	}
	return p
}

// compareTestcase orders findings by what their testcase stands for: the
// check, the subject and whether they are suppressed.
func compareTestcase(a, b *Finding) int {
	if c := strings.Compare(string(a.ID), string(b.ID)); c != 0 {
		return c
	}
	if c := compareSubjects(a, b); c != 0 {
		return c
	}
	if c := strings.Compare(a.Resource.APIVersion, b.Resource.APIVersion); c != 0 {
		return c
	}
	switch as, bs := a.Suppressed != nil, b.Suppressed != nil; {
	case as == bs:
		return 0
	case bs:
		return -1
	}
	return 1
}

// xmlWriter writes the JUnit document; buf holds the piece being built.
type xmlWriter struct {
	w   *bufio.Writer
	buf []byte
	err error
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

func (x *xmlWriter) flushBuf() {
	if x.err == nil {
		_, x.err = x.w.Write(x.buf)
	}
}

func (x *xmlWriter) suiteStart(name string, c junitCounts) {
	b := append(x.buf[:0], "\n  <testsuite name=\""...)
	b = appendXMLEscape(b, name, false)
	b = append(b, '"')
	b = c.appendAttrs(b)
	x.buf = append(b, '>')
	x.flushBuf()
}

// testcase writes the testcase of the findings at idx, which are those of
// one check on one resource, in report order. Suppressed ones make a skipped
// testcase; live ones a failure whose message attribute is the first
// finding's message (the most severe, as the report is sorted) and whose body
// is every finding with its location, field and remediation.
func (x *xmlWriter) testcase(r *Report, idx []int32) {
	first := &r.Findings[idx[0]]
	b := append(x.buf[:0], "\n    <testcase name=\""...)
	start := len(b)
	b = appendSubject(b, first)
	b = xmlEscapeFrom(b, start)
	b = append(b, "\" classname=\""...)
	b = appendXMLEscape(b, string(first.ID), false)
	b = append(b, "\">\n      "...)
	if s := first.Suppressed; s != nil {
		b = append(b, `<skipped message="suppressed by `...)
		b = appendXMLEscape(b, suppressionString(s), false)
		b = append(b, "\"></skipped>\n    </testcase>"...)
		x.buf = b
		x.flushBuf()
		return
	}
	b = append(b, `<failure message="`...)
	b = appendXMLEscape(b, first.Message, false)
	if len(idx) > 1 {
		b = append(b, " (and "...)
		b = strconv.AppendInt(b, int64(len(idx)-1), 10)
		b = append(b, " more)"...)
	}
	b = append(b, `" type="`...)
	b = appendXMLEscape(b, first.Severity.String(), false)
	b = append(b, `">`...)
	for i, j := range idx {
		if i > 0 {
			x.buf = b
			x.flushBuf()
			b = append(x.buf[:0], '\n')
		}
		b = appendJUnitFinding(b, &r.Findings[j])
	}
	b = append(b, "</failure>\n    </testcase>"...)
	x.buf = b
	x.flushBuf()
}

// appendJUnitFinding appends one finding of a failure's body, escaped.
func appendJUnitFinding(b []byte, f *Finding) []byte {
	b = append(b, f.Severity.String()...)
	b = append(b, ": "...)
	b = appendXMLEscape(b, f.Message, true)
	b = append(b, '\n')
	if f.Location != nil && f.Location.File != "" {
		b = append(b, "location: "...)
		start := len(b)
		b = appendLocation(b, f.Location)
		b = xmlTextFrom(b, start)
		b = append(b, '\n')
	}
	if f.Field != "" {
		b = append(b, "field: "...)
		b = appendXMLEscape(b, f.Field, true)
		b = append(b, '\n')
	}
	if f.PSS != nil {
		b = append(b, "control: "...)
		start := len(b)
		b = appendPSS(b, f.PSS)
		b = xmlTextFrom(b, start)
		b = append(b, '\n')
	}
	b = append(b, "remediation: "...)
	b = appendXMLEscape(b, f.Remediation, true)
	return append(b, '\n')
}

// appendXMLEscape appends textsafe.Text(s) escaped as encoding/xml escapes
// attribute values and character data: control characters are shown as
// escapes (a CI system shows these values on terminals and web pages),
// markup characters, quotes, line feeds and tabs become references, and
// characters XML cannot hold become U+FFFD. With keepBreaks, line feeds and
// tabs stay as they are, so that multi-line text stays readable in the file.
func appendXMLEscape(b []byte, s string, keepBreaks bool) []byte {
	s = textsafe.Text(s)
	last := 0
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\'' && c != '&' && c != '<' && c != '>' {
			i++
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t', '\n':
			if keepBreaks {
				i += width
				continue
			}
			esc = "&#x9;"
			if r == '\n' {
				esc = "&#xA;"
			}
		case '\r':
			esc = "&#xD;"
		default:
			if xmlCharacter(r) && (r != utf8.RuneError || width > 1) {
				i += width
				continue
			}
			esc = "\uFFFD"
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}

// xmlEscapeFrom replaces b[start:] with its escaped form for an attribute.
func xmlEscapeFrom(b []byte, start int) []byte {
	if xmlPlain(b[start:]) {
		return b
	}
	return appendXMLEscape(b[:start], string(b[start:]), false)
}

// xmlTextFrom replaces b[start:] with its escaped form for character data.
func xmlTextFrom(b []byte, start int) []byte {
	if xmlPlain(b[start:]) {
		return b
	}
	return appendXMLEscape(b[:start], string(b[start:]), true)
}

// xmlPlain reports whether b is printable ASCII that needs no escaping.
func xmlPlain(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// xmlCharacter reports whether XML 1.0 can hold r.
func xmlCharacter(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
