package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/textsafe"
)

func init() { registerFormat("markdown", renderMarkdown) }

// renderMarkdown writes a GitHub-flavoured Markdown report, for pull request
// comments and job summaries: under a title, the sections of reportView in
// their order, as tables, and the summary table last. Every value from the
// report is escaped, so a manifest cannot inject markup, links or HTML.
func renderMarkdown(w io.Writer, r *Report, _ Options) error {
	v := newView(r)
	m := mdWriter{w: bufio.NewWriterSize(w, 64<<10)}
	title := "# kubestride report"
	if v.Version != "" {
		title += " (" + mdEscape(v.Version) + ")"
	}
	m.line(title)
	m.threatModel(r, newThreatModel(r))

	if len(v.Gaps) > 0 {
		m.line("")
		m.line(fmt.Sprintf("## Incomplete scan (%d)", len(v.Gaps)))
		m.line("")
		m.line("> [!CAUTION]\n> " + mdEscape(v.GapsLead) + ".")
		m.line("")
		m.line("| Resource | Namespace | Reason | Message |")
		m.line("|---|---|---|---|")
		for _, g := range v.Gaps {
			m.line("| " + mdEscape(g.Resource) + " | " + mdEscape(g.Namespace) + " | " + mdEscape(gapReason(g)) +
				" | " + mdEscape(g.Message) + " |")
		}
	}

	if v.NoFindings != "" {
		m.line("")
		m.line("**" + mdEscape(v.NoFindings) + "**")
	}
	for _, c := range v.Categories {
		m.line("")
		m.line(fmt.Sprintf("## %s (%d)", mdEscape(string(c.Category)), c.Count))
		m.line("")
		m.line("| Severity | Check | Subject | Location | Message |")
		m.line("|---|---|---|---|---|")
		for f := range c.Findings {
			m.finding(f)
		}
	}

	if v.SuppressedCount > 0 {
		m.line("")
		m.line(fmt.Sprintf("## Suppressed (%d)", v.SuppressedCount))
		m.line("")
		m.line("These findings are not counted.")
		m.line("")
		m.line("| Severity | Check | Subject | Location | Suppressed by | Reason |")
		m.line("|---|---|---|---|---|---|")
		for f := range v.Suppressed {
			m.suppressedFinding(f)
		}
	}

	if len(v.Readiness) > 0 {
		m.line("")
		m.line(fmt.Sprintf("## Pod Security readiness (%d)", len(v.Readiness)))
		m.line("")
		m.line("Per namespace, the " + mdEscape(v.ReadinessLead) + ".")
		m.line("")
		m.line("| Namespace | Enforce | Pods | Rejected at baseline | Rejected at restricted | Version |")
		m.line("|---|---|---:|---:|---:|---|")
		for _, n := range v.Readiness {
			m.line(fmt.Sprintf("| %s | %s | %d | %d | %d | %s |", mdEscape(n.Namespace), mdEscape(readinessEnforce(n)),
				n.Pods, n.RejectedBaseline, n.RejectedRestricted, mdEscape(n.Version)))
		}
	}

	if len(v.Errors) > 0 {
		m.line("")
		m.line(fmt.Sprintf("## Errors (%d)", len(v.Errors)))
		m.line("")
		m.line("> [!CAUTION]\n> " + mdEscape(v.ErrorsLead) + ".")
		m.line("")
		m.line("| Location | Error |")
		m.line("|---|---|")
		for _, e := range v.Errors {
			m.line("| " + mdEscape(e.Location) + " | " + mdEscape(e.Message) + " |")
		}
	}

	if len(v.Notices) > 0 {
		m.line("")
		m.line(fmt.Sprintf("## Notices (%d)", len(v.Notices)))
		m.line("")
		for _, n := range v.Notices {
			item := mdEscape(n.Message)
			if n.Location != "" {
				item = mdEscape(n.Location) + ": " + item
			}
			m.line("- " + item)
		}
	}

	m.line("")
	m.line("## Summary")
	m.line("")
	m.line("| Severity | Findings |")
	m.line("|---|---:|")
	for _, c := range v.Severities {
		m.line(fmt.Sprintf("| %s | %d |", c.Severity, c.Count))
	}
	m.line(fmt.Sprintf("| **total** | **%d** |", v.Total))
	m.line("")
	m.line(mdEscape(v.Summary) + ".")
	if v.Settings != "" {
		m.line("Settings: " + mdEscape(v.Settings) + ".")
	}
	if m.err != nil {
		return m.err
	}
	return m.w.Flush()
}

type mdWriter struct {
	w   *bufio.Writer
	err error
	// buf holds the row being built.
	buf []byte
}

func (m *mdWriter) line(s string) {
	if m.err != nil {
		return
	}
	_, m.err = m.w.WriteString(s + "\n")
}

// row writes b and a newline.
func (m *mdWriter) row(b []byte) {
	if m.err != nil {
		return
	}
	if _, m.err = m.w.Write(b); m.err == nil {
		m.err = m.w.WriteByte('\n')
	}
}

// finding writes a live finding as a table row.
func (m *mdWriter) finding(f *Finding) {
	b := append(m.buf[:0], "| "...)
	if f.Severity >= check.High {
		b = append(b, "**"...)
		b = append(b, f.Severity.String()...)
		b = append(b, "**"...)
	} else {
		b = append(b, f.Severity.String()...)
	}
	b = append(b, " | "...)
	b = m.commonCells(b, f)
	b = appendMDEscape(b, f.Message)
	if f.PSS != nil {
		b = append(b, "<br>_"...)
		start := len(b)
		b = appendPSS(b, f.PSS)
		b = mdEscapeFrom(b, start)
		b = append(b, '_')
	}
	b = append(b, " |"...)
	m.row(b)
	m.buf = b
}

// suppressedFinding writes a suppressed finding as a table row.
func (m *mdWriter) suppressedFinding(f *Finding) {
	b := append(m.buf[:0], "| "...)
	b = append(b, f.Severity.String()...)
	b = append(b, " | "...)
	b = m.commonCells(b, f)
	b = appendMDEscape(b, f.Suppressed.Kind)
	if f.Suppressed.Expires != "" {
		b = append(b, ", expires "...)
		b = appendMDEscape(b, f.Suppressed.Expires)
	}
	b = append(b, " | "...)
	b = appendMDEscape(b, f.Suppressed.Reason)
	b = append(b, " |"...)
	m.row(b)
	m.buf = b
}

// commonCells appends the check, resource and location cells, each followed
// by its separator.
func (m *mdWriter) commonCells(b []byte, f *Finding) []byte {
	b = appendMDCode(b, string(f.ID))
	b = append(b, " | "...)
	start := len(b)
	b = appendSubject(b, f)
	b = mdEscapeFrom(b, start)
	b = append(b, " | "...)
	start = len(b)
	b = appendLocation(b, f.Location)
	b = mdEscapeFrom(b, start)
	return append(b, " | "...)
}

// appendMDCode puts an identifier in a code span. Only check IDs
// (kebab-case) go there: Markdown cannot escape a backtick inside one, so
// free text never does.
func appendMDCode(b []byte, s string) []byte {
	if strings.ContainsAny(s, "`|") || strings.ContainsFunc(s, textsafe.Unsafe) {
		return appendMDEscape(b, s)
	}
	b = append(b, '`')
	b = append(b, s...)
	return append(b, '`')
}

// mdReplacer escapes text for a GitHub-flavoured Markdown table cell or list
// item: HTML is written as entities, Markdown punctuation is
// backslash-escaped, and line breaks become <br>, so the text stays in its
// cell and renders literally. Control characters are shown as escapes
// (textsafe.Text) before it runs, so none reaches it but line feeds and tabs.
var mdReplacer = strings.NewReplacer(
	"&", "&amp;",
	"<", "&lt;",
	">", "&gt;",
	"\n", "<br>",
	`\`, `\\`,
	"`", "\\`",
	"*", `\*`,
	"_", `\_`,
	"[", `\[`,
	"]", `\]`,
	"|", `\|`,
	"~", `\~`,
	"#", `\#`,
	"!", `\!`,
)

// mdEscape shows the control characters of s as escapes and escapes the
// result for Markdown.
func mdEscape(s string) string { return mdReplacer.Replace(textsafe.Text(s)) }

// mdSpecial marks the bytes mdEscape may change: those mdReplacer replaces,
// the C0 controls, DEL and every byte of a non-ASCII character (which may be
// a control textsafe shows).
var mdSpecial = func() (t [256]bool) {
	for _, c := range []byte("&<>\n\\`*_[]|~#!") {
		t[c] = true
	}
	for c := range 0x20 {
		t[c] = true
	}
	for c := 0x7f; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// appendMDEscape appends mdEscape(s).
func appendMDEscape(b []byte, s string) []byte {
	start := len(b)
	return mdEscapeFrom(append(b, s...), start)
}

// mdEscapeFrom replaces b[start:] with mdEscape of it. Text without Markdown
// or HTML punctuation, as most text is, stays as it is.
func mdEscapeFrom(b []byte, start int) []byte {
	for _, c := range b[start:] {
		if mdSpecial[c] {
			return append(b[:start], mdEscape(string(b[start:]))...)
		}
	}
	return b
}
