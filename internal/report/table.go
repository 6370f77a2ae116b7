package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/textsafe"
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

// renderTable writes the human-readable report: the sections of reportView
// in their order, the findings that count grouped by STRIDE category and the
// summary last. The layout depends only on the report, never on the
// terminal, and without Options.Color it holds no escape sequence at all.
//
// It writes one finding at a time: a first pass over the findings counts
// them and measures the columns of each section, the second writes them.
func renderTable(w io.Writer, r *Report, opts Options) error {
	by := opts.GroupBy
	switch by {
	case "":
		by = GroupByCategory
	case GroupByCategory, GroupByCheck, GroupByResource:
	default:
		return fmt.Errorf("unknown grouping %q (want one of %v)", opts.GroupBy, GroupBys())
	}
	v := newView(r)
	t := tableWriter{w: bufio.NewWriterSize(w, 64<<10), color: opts.Color, width: opts.Width}
	layout := t.layout(v)
	if len(v.Gaps) > 0 {
		t.line(t.paint(ansiBoldRed, "INCOMPLETE SCAN: "+v.GapsLead+":"))
		for _, g := range v.Gaps {
			t.item(gapWhere(g), gapMessage(g))
		}
		t.line("")
	}
	if v.NoFindings != "" {
		t.line(t.paint(ansiBold, v.NoFindings))
	}
	if n := liveCount(v); n > firstScreenFindings {
		t.firstScreen(r, v, n, by)
	}
	switch by {
	case GroupByCheck:
		t.byCheck(r)
	case GroupByResource:
		t.byResource(r)
	default:
		for i, c := range v.Categories {
			if i > 0 {
				t.line("")
			}
			t.line(t.paint(ansiBold, fmt.Sprintf("%s (%d)", oneLine(string(c.Category)), c.Count)))
			cols := layout.live[c.Category]
			for f := range c.Findings {
				t.finding(f, cols)
			}
		}
	}

	if v.SuppressedCount > 0 {
		t.line("")
		t.line(t.paint(ansiBold, fmt.Sprintf("Suppressed (%d, not counted):", v.SuppressedCount)))
		for f := range v.Suppressed {
			t.suppressedFinding(f, layout.suppressed)
		}
	}

	if len(v.Readiness) > 0 {
		t.line("")
		t.line(t.paint(ansiBold, "Pod Security readiness ("+v.ReadinessLead+"):"))
		for _, n := range v.Readiness {
			t.item(n.Namespace, readinessString(n))
		}
	}

	if len(v.Errors) > 0 {
		t.line("")
		t.line(t.paint(ansiBoldRed, "ERRORS: "+v.ErrorsLead+":"))
		for _, e := range v.Errors {
			t.item(e.Location, e.Message)
		}
	}

	if len(v.Notices) > 0 {
		t.line("")
		t.line(t.paint(ansiBold, "Notices:"))
		for _, n := range v.Notices {
			t.item(n.Location, n.Message)
		}
	}

	t.line("")
	summary := "Summary: " + v.Summary
	if v.Settings != "" {
		summary += "; " + oneLine(v.Settings)
	}
	t.line(summary)
	if len(v.Categories) > 0 {
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
	width int // wrap messages to this many columns; 0 for none
	err   error
	// buf holds the line being built; text is scratch space for the text
	// under a finding.
	buf, text []byte
	// holders maps a Role or ClusterRole already shown, as "Kind ns/name",
	// to the holder sentence its finding carried (see appendMessage).
	holders map[string]string
}

// line writes s and a newline; s is already sanitized.
func (t *tableWriter) line(s string) {
	if t.err != nil {
		return
	}
	_, t.err = t.w.WriteString(strings.TrimRight(s, " ") + "\n")
}

// writeLine writes b, less its trailing spaces, and a newline; b is already
// sanitized.
func (t *tableWriter) writeLine(b []byte) {
	if t.err != nil {
		return
	}
	if _, t.err = t.w.Write(bytes.TrimRight(b, " ")); t.err == nil {
		t.err = t.w.WriteByte('\n')
	}
}

// paint wraps s in an SGR sequence when colour is on.
func (t *tableWriter) paint(sgr, s string) string {
	if !t.color || s == "" {
		return s
	}
	return sgr + s + ansiReset
}

// severityLabels are the upper-case severity labels, by severity.
var severityLabels = func() map[check.Severity]string {
	m := map[check.Severity]string{}
	for _, s := range severitiesDesc {
		m[s] = strings.ToUpper(s.String())
	}
	return m
}()

// appendSeverity appends the padded, upper-case severity label, coloured by
// severity.
func (t *tableWriter) appendSeverity(b []byte, s check.Severity) []byte {
	label, ok := severityLabels[s]
	if !ok {
		label = strings.ToUpper(s.String())
	}
	if t.color {
		b = append(b, severityColor(s)...)
		b = append(b, label...)
		b = append(b, ansiReset...)
	} else {
		b = append(b, label...)
	}
	return appendSpaces(b, severityWidth-len(label))
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

// tableLayout is what the first pass over the findings learns: the columns
// of each category and of the suppressed section.
type tableLayout struct {
	live       map[check.Category]columns
	suppressed columns
}

func (t *tableWriter) layout(v reportView) tableLayout {
	l := tableLayout{live: map[check.Category]columns{}}
	for _, c := range v.Categories {
		for f := range c.Findings {
			l.live[c.Category] = t.fit(l.live[c.Category], f)
		}
	}
	for f := range v.Suppressed {
		l.suppressed = t.fit(l.suppressed, f)
	}
	return l
}

// fit widens cols to hold the check ID and subject of f.
func (t *tableWriter) fit(cols columns, f *Finding) columns {
	t.buf = appendOneLine(t.buf[:0], string(f.ID))
	id := utf8.RuneCount(t.buf)
	t.buf = appendSubject(t.buf[:0], f)
	t.buf = oneLineFrom(t.buf, 0)
	return cols.fit(id, utf8.RuneCount(t.buf))
}

// firstScreenFindings is the number of live findings above which the table
// opens with the summary and the critical and high findings, so that the
// first screen of a large report shows what matters most.
const firstScreenFindings = 40

// firstScreenTop is how many critical and high findings the opening lists.
const firstScreenTop = 20

func liveCount(v reportView) int {
	n := 0
	for _, c := range v.Categories {
		n += c.Count
	}
	return n
}

// firstScreen writes the summary, then the first critical and high
// findings in report order (most severe first), before the full listing.
func (t *tableWriter) firstScreen(r *Report, v reportView, live int, by string) {
	summary := "Summary: " + v.Summary
	if v.Settings != "" {
		summary += "; " + oneLine(v.Settings)
	}
	t.line(t.paint(ansiBold, summary))
	var top []*Finding
	total := 0
	var cols columns
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed != nil || f.Severity < check.High {
			continue
		}
		total++
		if len(top) < firstScreenTop {
			top = append(top, f)
			cols = t.fit(cols, f)
		}
	}
	if total == 0 {
		t.line("")
		return
	}
	t.line("")
	t.line(t.paint(ansiBold, fmt.Sprintf("Critical and high first (%d of %d findings; every finding follows by %s):", total, live, by)))
	for _, f := range top {
		t.finding(f, cols)
	}
	if total > len(top) {
		t.line(fmt.Sprintf("  ... and %d more critical and high below", total-len(top)))
	}
	t.line("")
}

// finding writes a live finding as a line of severity, check ID, resource,
// location and PSS control, and its message below the check ID.
func (t *tableWriter) finding(f *Finding, cols columns) {
	b := append(t.buf[:0], "  "...)
	b = t.appendSeverity(b, f.Severity)
	b = append(b, "  "...)
	b = cols.appendRow(b, f)
	b = t.appendPSSTag(b, f)
	t.writeLine(b)
	t.buf = b
	t.appendMessage(f)
	t.block(indent, t.text)
}

// holdersSep introduces the sentence of an RBAC finding on a Role or
// ClusterRole that says who holds the role: `ClusterRole "ops" grants
// escalate on roles (rules[0]); bound to ServiceAccount kube-system/ci via
// ClusterRoleBinding "ops"` (package checks, describeHolders).
const holdersSep = "; bound to "

// holdersAsAbove replaces a holder sentence the table already showed.
const holdersAsAbove = "holders as above"

// appendMessage puts f's message in t.text. The holder sentence of a role
// is the same in every finding about that role and can run to several
// lines, so the table spells it out only the first time the role appears
// and says "holders as above" after that. Only the table does this: every
// other format keeps each finding's message whole, so that a finding read
// on its own (a JSON record, a SARIF result, a JUnit case) still names who
// holds the role.
func (t *tableWriter) appendMessage(f *Finding) {
	t.text = append(t.text[:0], f.Message...)
	if f.Resource.Kind != "Role" && f.Resource.Kind != "ClusterRole" {
		return
	}
	i := strings.Index(f.Message, holdersSep)
	if i < 0 {
		return
	}
	tail := f.Message[i+2:]
	key := resourceString(f.Resource)
	if prev, ok := t.holders[key]; ok && prev == tail {
		t.text = append(t.text[:i+2], holdersAsAbove...)
		return
	}
	if t.holders == nil {
		t.holders = map[string]string{}
	}
	t.holders[key] = tail
}

// findingGroup is one heading of the table grouped by check or by
// resource: the findings that count under it, as indices into the report's
// findings in report order, and the columns of their lines.
type findingGroup struct {
	members []int32
	bySev   map[check.Severity]int
	cols    columns
}

// groupLive groups the findings that count by key, groups in the report
// order of their first finding.
func (t *tableWriter) groupLive(r *Report, key func(*Finding) string) ([]string, map[string]*findingGroup) {
	var order []string
	groups := map[string]*findingGroup{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed != nil {
			continue
		}
		k := key(f)
		g := groups[k]
		if g == nil {
			g = &findingGroup{bySev: map[check.Severity]int{}}
			groups[k] = g
			order = append(order, k)
		}
		g.members = append(g.members, int32(i))
		g.bySev[f.Severity]++
	}
	return order, groups
}

// countBySeverity is "(2 critical)" or "(3: 1 high, 2 low)".
func countBySeverity(g *findingGroup) string {
	var parts []string
	for _, s := range severitiesDesc {
		if n := g.bySev[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ")"
	}
	return fmt.Sprintf("(%d: %s)", len(g.members), strings.Join(parts, ", "))
}

// byCheck writes the findings that count grouped by check, checks in the
// order of their first finding: a heading with the check's ID, title and
// count by severity, then a line per finding with its subject and location
// and its message below.
func (t *tableWriter) byCheck(r *Report) {
	order, groups := t.groupLive(r, func(f *Finding) string { return string(f.ID) })
	for i, k := range order {
		g := groups[k]
		for _, j := range g.members {
			t.buf = appendSubject(t.buf[:0], &r.Findings[j])
			t.buf = oneLineFrom(t.buf, 0)
			g.cols = g.cols.fit(0, utf8.RuneCount(t.buf))
		}
		if i > 0 {
			t.line("")
		}
		first := &r.Findings[g.members[0]]
		t.line(t.paint(ansiBold, oneLine(k)+": "+oneLine(first.Title)) + " " + countBySeverity(g))
		for _, j := range g.members {
			f := &r.Findings[j]
			b := append(t.buf[:0], "  "...)
			start := len(b)
			b = appendSubject(b, f)
			b = oneLineFrom(b, start)
			b = appendSpaces(b, g.cols.resource-utf8.RuneCount(b[start:]))
			b = append(b, "  "...)
			start = len(b)
			b = appendLocation(b, f.Location)
			b = oneLineFrom(b, start)
			b = t.appendPSSTag(b, f)
			t.writeLine(b)
			t.buf = b
			t.appendMessage(f)
			t.block(groupIndent, t.text)
		}
	}
}

// groupIndent is where a finding's message starts in the table grouped by
// check: under its subject.
const groupIndent = "    "

// byResource writes the findings that count grouped by what they are about
// (an object, a file, an image), in the order of their first finding: a
// heading with the subject and its count, then a line per finding with its
// severity, check ID and location and its message below.
func (t *tableWriter) byResource(r *Report) {
	order, groups := t.groupLive(r, subjectString)
	for i, k := range order {
		g := groups[k]
		for _, j := range g.members {
			t.buf = appendOneLine(t.buf[:0], string(r.Findings[j].ID))
			g.cols = g.cols.fit(utf8.RuneCount(t.buf), 0)
		}
		if i > 0 {
			t.line("")
		}
		t.line(t.paint(ansiBold, oneLine(k)) + " " + countBySeverity(g))
		for _, j := range g.members {
			f := &r.Findings[j]
			b := append(t.buf[:0], "  "...)
			b = t.appendSeverity(b, f.Severity)
			b = append(b, "  "...)
			start := len(b)
			b = appendOneLine(b, string(f.ID))
			b = appendSpaces(b, g.cols.id-utf8.RuneCount(b[start:]))
			b = append(b, "  "...)
			start = len(b)
			b = appendLocation(b, f.Location)
			b = oneLineFrom(b, start)
			b = t.appendPSSTag(b, f)
			t.writeLine(b)
			t.buf = b
			t.appendMessage(f)
			t.block(indent, t.text)
		}
	}
}

// appendPSSTag appends "  [PSS baseline v1.37: privileged]" for a finding
// from a Pod Security Standards control.
func (t *tableWriter) appendPSSTag(b []byte, f *Finding) []byte {
	if f.PSS == nil {
		return b
	}
	b = append(b, "  ["...)
	start := len(b)
	b = appendPSS(b, f.PSS)
	b = cleanFrom(b, start)
	return append(b, ']')
}

// suppressedFinding writes a suppressed finding and how it was suppressed,
// without colour: it does not count.
func (t *tableWriter) suppressedFinding(f *Finding, cols columns) {
	label := f.Severity.String()
	b := append(t.buf[:0], "  "...)
	b = append(b, label...)
	b = appendSpaces(b, severityWidth-len(label))
	b = append(b, "  "...)
	b = cols.appendRow(b, f)
	t.writeLine(b)
	t.buf = b
	t.text = append(t.text[:0], suppressionString(f.Suppressed)...)
	t.block(indent, t.text)
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

// block writes text under indent, one line per line of text. It cleans text
// in place.
func (t *tableWriter) block(indent string, text []byte) {
	text = cleanFrom(text, 0)
	for {
		l := text
		i := bytes.IndexByte(text, '\n')
		if i >= 0 {
			l = text[:i]
		}
		for {
			part, rest := wrap(l, t.width-len(indent))
			b := append(t.buf[:0], indent...)
			b = append(b, part...)
			t.writeLine(b)
			t.buf = b
			if len(rest) == 0 {
				break
			}
			l = rest
		}
		if i < 0 {
			break
		}
		text = text[i+1:]
	}
}

// wrap cuts a line at the last space that leaves at most width runes before
// it; a line with no such space (or width too small to matter) is left
// whole. rest is what follows the cut, without its leading spaces.
func wrap(l []byte, width int) (part, rest []byte) {
	if width < 20 || utf8.RuneCount(l) <= width {
		return l, nil
	}
	cut, runes := -1, 0
	for i := 0; i < len(l); {
		if l[i] == ' ' {
			if runes > width {
				break
			}
			cut = i
		}
		_, size := utf8.DecodeRune(l[i:])
		i += size
		runes++
	}
	if cut <= 0 {
		return l, nil
	}
	return l[:cut], bytes.TrimLeft(l[cut:], " ")
}

// columns aligns the check ID and resource columns within one section.
type columns struct{ id, resource int }

// fit widens c to hold an ID and a resource of the given widths in runes.
func (c columns) fit(id, resource int) columns {
	return columns{id: max(c.id, id), resource: max(c.resource, resource)}
}

// appendRow appends the check ID and resource, padded to their columns, and
// the location.
func (c columns) appendRow(b []byte, f *Finding) []byte {
	start := len(b)
	b = appendOneLine(b, string(f.ID))
	b = appendSpaces(b, c.id-utf8.RuneCount(b[start:]))
	b = append(b, "  "...)
	start = len(b)
	b = appendSubject(b, f)
	b = oneLineFrom(b, start)
	b = appendSpaces(b, c.resource-utf8.RuneCount(b[start:]))
	b = append(b, "  "...)
	start = len(b)
	b = appendLocation(b, f.Location)
	return oneLineFrom(b, start)
}

// appendSpaces appends n spaces, none when n is not positive.
func appendSpaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}

// The table escapes text from the input with package textsafe: control
// characters and the Unicode controls that reorder text are shown as escapes
// instead of being sent to the terminal, so a manifest cannot move the
// cursor, change colours, set the window title or disguise text.

// appendOneLine appends oneLine(s).
func appendOneLine(b []byte, s string) []byte { return textsafe.AppendLine(b, s) }

// oneLineFrom replaces b[start:] with oneLine of it.
func oneLineFrom(b []byte, start int) []byte { return textsafe.LineFrom(b, start) }

// cleanFrom replaces b[start:] with clean of it.
func cleanFrom(b []byte, start int) []byte { return textsafe.TextFrom(b, start) }

// oneLine is textsafe.Line: escaped, with line breaks and tabs shown as \n
// and \t, for fields that must stay on one line.
func oneLine(s string) string { return textsafe.Line(s) }

// clean is textsafe.Text: escaped, keeping line breaks and tabs.
func clean(s string) string { return textsafe.Text(s) }
