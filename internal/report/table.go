package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kubestride/kubestride/internal/check"
)

func init() { registerFormat("table", renderTable) }

// ANSI SGR sequences used by the table format when Options.Color is set.
const (
	ansiReset   = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiDim     = "\x1b[2m"
	ansiRed     = "\x1b[31m"
	ansiBoldRed = "\x1b[1;31m"
	ansiYellow  = "\x1b[33m"
	ansiCyan    = "\x1b[36m"
)

// severityWidth is the width of the widest severity label, "CRITICAL".
const severityWidth = len("CRITICAL")

// indent is where a finding's message starts: under its check ID.
var indent = strings.Repeat(" ", 2+severityWidth+2)

// renderTable writes the human-readable report: live findings grouped by
// STRIDE category, then the suppressed findings, the errors, the notices and
// a summary line. The layout depends only on the report, never on the
// terminal, and without Options.Color it holds no escape sequence at all.
func renderTable(w io.Writer, r *Report, opts Options) error {
	t := tableWriter{w: bufio.NewWriter(w), color: opts.Color}
	groups := liveByCategory(r)
	if len(groups) == 0 {
		if len(r.Errors) > 0 {
			t.line(t.paint(ansiBold, "No findings in the input that could be read."))
		} else {
			t.line(t.paint(ansiBold, "No findings."))
		}
	}
	for i, g := range groups {
		if i > 0 {
			t.line("")
		}
		t.category(g)
	}

	if sup := suppressedFindings(r); len(sup) > 0 {
		t.line("")
		t.line(t.paint(ansiBold, fmt.Sprintf("Suppressed (%d, not counted):", len(sup))))
		t.suppressed(sup)
	}

	if len(r.Errors) > 0 {
		t.line("")
		t.line(t.paint(ansiBoldRed, fmt.Sprintf("ERRORS: %s could not be read or evaluated; the findings above may be incomplete:",
			plural(len(r.Errors), "input", "inputs"))))
		for _, e := range r.Errors {
			t.item(fileLine(e.File, e.Line), e.Message)
		}
	}

	if len(r.Notices) > 0 {
		t.line("")
		t.line(t.paint(ansiBold, "Notices:"))
		for _, n := range r.Notices {
			t.item(fileLine(n.File, n.Line), n.Message)
		}
	}

	t.line("")
	summary := "Summary: " + summaryString(r)
	if s := settingsString(r.Settings); s != "" {
		summary += "; " + s
	}
	t.line(summary)
	if len(groups) > 0 {
		t.line(`Run "kubestride checks ID" to see what a check looks for and how to fix it.`)
	}
	if t.err != nil {
		return t.err
	}
	return t.w.Flush()
}

type tableWriter struct {
	w     *bufio.Writer
	color bool
	err   error
}

// line writes s and a newline; s is already sanitized.
func (t *tableWriter) line(s string) {
	if t.err != nil {
		return
	}
	_, t.err = t.w.WriteString(strings.TrimRight(s, " ") + "\n")
}

// paint wraps s in an SGR sequence when colour is on.
func (t *tableWriter) paint(sgr, s string) string {
	if !t.color || s == "" {
		return s
	}
	return sgr + s + ansiReset
}

// severity is the padded, upper-case severity label, coloured by severity.
func (t *tableWriter) severity(s check.Severity) string {
	label := strings.ToUpper(s.String())
	pad := strings.Repeat(" ", max(0, severityWidth-len(label)))
	return t.paint(severityColor(s), label) + pad
}

func severityColor(s check.Severity) string {
	switch s {
	case check.Critical:
		return ansiBoldRed
	case check.High:
		return ansiRed
	case check.Medium:
		return ansiYellow
	case check.Low:
		return ansiCyan
	}
	return ansiDim
}

// category writes one STRIDE category: a heading, then each finding as a
// line of severity, check ID, resource, location and PSS control, and its
// message below the check ID.
func (t *tableWriter) category(g categoryGroup) {
	t.line(t.paint(ansiBold, fmt.Sprintf("%s (%d)", g.Category, len(g.Findings))))
	cols := columnsFor(g.Findings)
	for _, f := range g.Findings {
		head := "  " + t.severity(f.Severity) + "  " + cols.row(f)
		if p := pssString(f.PSS); p != "" {
			head += "  [" + clean(p) + "]"
		}
		t.line(head)
		t.block(indent, f.Message)
	}
}

// suppressed writes each suppressed finding and how it was suppressed,
// without colour: they do not count.
func (t *tableWriter) suppressed(fs []*Finding) {
	cols := columnsFor(fs)
	for _, f := range fs {
		label := f.Severity.String()
		t.line("  " + label + strings.Repeat(" ", max(0, severityWidth-len(label))) + "  " + cols.row(f))
		t.block(indent, suppressionString(f.Suppressed))
	}
}

// item writes "  location: message", or "  message" without a location.
func (t *tableWriter) item(loc, msg string) {
	prefix := "  "
	if loc != "" {
		prefix += oneLine(loc) + ": "
	}
	lines := strings.Split(clean(msg), "\n")
	t.line(prefix + lines[0])
	for _, l := range lines[1:] {
		t.line("    " + l)
	}
}

// block writes text under indent, one line per line of text.
func (t *tableWriter) block(indent, text string) {
	for _, l := range strings.Split(clean(text), "\n") {
		t.line(indent + l)
	}
}

// columns aligns the check ID and resource columns within one section.
type columns struct{ id, resource int }

func columnsFor(fs []*Finding) columns {
	var c columns
	for _, f := range fs {
		c.id = max(c.id, utf8.RuneCountInString(oneLine(string(f.ID))))
		c.resource = max(c.resource, utf8.RuneCountInString(oneLine(resourceString(f.Resource))))
	}
	return c
}

func (c columns) row(f *Finding) string {
	return padRight(oneLine(string(f.ID)), c.id) + "  " +
		padRight(oneLine(resourceString(f.Resource)), c.resource) + "  " +
		oneLine(locationString(f.Location))
}

func padRight(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-utf8.RuneCountInString(s)))
}

// oneLine is clean(s) with line breaks and tabs shown as \n and \t, for
// fields that must stay on one line.
func oneLine(s string) string {
	return strings.NewReplacer("\n", `\n`, "\t", `\t`).Replace(clean(s))
}

// clean makes text from manifests safe to print on a terminal: control
// characters (other than newline and tab), and the Unicode controls that
// reorder text, are shown as escapes instead of being sent to the terminal,
// so a manifest cannot move the cursor, change colours or disguise text.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\ufffd")
	if !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case unsafeRune(r) && r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return true
	case r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
		return true
	}
	return false
}
