package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
)

func init() { registerFormat("markdown", renderMarkdown) }

// renderMarkdown writes a GitHub-flavoured Markdown report, for pull request
// comments and job summaries: a summary table, a table per STRIDE category,
// then the suppressed findings, the errors and the notices. Every value from
// the report is escaped, so a manifest cannot inject markup, links or HTML.
func renderMarkdown(w io.Writer, r *Report, _ Options) error {
	m := mdWriter{w: bufio.NewWriter(w)}
	title := "# kubestride report"
	if r.Tool.Version != "" {
		title += " (" + mdEscape(r.Tool.Version) + ")"
	}
	m.line(title)
	m.line("")

	m.line("| Severity | Findings |")
	m.line("|---|---:|")
	for _, s := range severitiesDesc {
		m.line(fmt.Sprintf("| %s | %d |", s, r.Summary.BySeverity[s.String()]))
	}
	m.line(fmt.Sprintf("| **total** | **%d** |", r.Summary.Findings))
	m.line("")
	m.line(mdEscape(summaryString(r)) + ".")
	if s := settingsString(r.Settings); s != "" {
		m.line("Settings: " + mdEscape(s) + ".")
	}

	groups := liveByCategory(r)
	if len(groups) == 0 {
		m.line("")
		if len(r.Errors) > 0 {
			m.line("**No findings** in the input that could be read.")
		} else {
			m.line("**No findings.**")
		}
	}
	for _, g := range groups {
		m.line("")
		m.line(fmt.Sprintf("## %s (%d)", mdEscape(string(g.Category)), len(g.Findings)))
		m.line("")
		m.line("| Severity | Check | Resource | Location | Message |")
		m.line("|---|---|---|---|---|")
		for _, f := range g.Findings {
			msg := mdEscape(f.Message)
			if p := pssString(f.PSS); p != "" {
				msg += "<br>_" + mdEscape(p) + "_"
			}
			m.line(fmt.Sprintf("| %s | %s | %s | %s | %s |",
				severityCell(f), mdCode(string(f.ID)), mdEscape(resourceString(f.Resource)),
				mdEscape(locationString(f.Location)), msg))
		}
	}

	if sup := suppressedFindings(r); len(sup) > 0 {
		m.line("")
		m.line(fmt.Sprintf("## Suppressed (%d)", len(sup)))
		m.line("")
		m.line("These findings are not counted.")
		m.line("")
		m.line("| Severity | Check | Resource | Location | Suppressed by | Reason |")
		m.line("|---|---|---|---|---|---|")
		for _, f := range sup {
			by := mdEscape(f.Suppressed.Kind)
			if f.Suppressed.Expires != "" {
				by += ", expires " + mdEscape(f.Suppressed.Expires)
			}
			m.line(fmt.Sprintf("| %s | %s | %s | %s | %s | %s |",
				f.Severity, mdCode(string(f.ID)), mdEscape(resourceString(f.Resource)),
				mdEscape(locationString(f.Location)), by, mdEscape(f.Suppressed.Reason)))
		}
	}

	if len(r.Errors) > 0 {
		m.line("")
		m.line(fmt.Sprintf("## Errors (%d)", len(r.Errors)))
		m.line("")
		m.line(fmt.Sprintf("> [!CAUTION]\n> %s could not be read or evaluated; the findings above may be incomplete.",
			plural(len(r.Errors), "input", "inputs")))
		m.line("")
		m.line("| Location | Error |")
		m.line("|---|---|")
		for _, e := range r.Errors {
			m.line(fmt.Sprintf("| %s | %s |", mdEscape(fileLine(e.File, e.Line)), mdEscape(e.Message)))
		}
	}

	if len(r.Notices) > 0 {
		m.line("")
		m.line(fmt.Sprintf("## Notices (%d)", len(r.Notices)))
		m.line("")
		for _, n := range r.Notices {
			item := mdEscape(n.Message)
			if loc := fileLine(n.File, n.Line); loc != "" {
				item = mdEscape(loc) + ": " + item
			}
			m.line("- " + item)
		}
	}
	if m.err != nil {
		return m.err
	}
	return m.w.Flush()
}

type mdWriter struct {
	w   *bufio.Writer
	err error
}

func (m *mdWriter) line(s string) {
	if m.err != nil {
		return
	}
	_, m.err = m.w.WriteString(s + "\n")
}

// severityCell is the severity, in bold for critical and high.
func severityCell(f *Finding) string {
	if f.Severity >= check.High {
		return "**" + f.Severity.String() + "**"
	}
	return f.Severity.String()
}

// mdCode puts an identifier in a code span. Only check IDs (kebab-case) go
// there: Markdown cannot escape a backtick inside one, so free text never
// does.
func mdCode(s string) string {
	if strings.ContainsAny(s, "`|\n\r") {
		return mdEscape(s)
	}
	return "`" + s + "`"
}

// mdReplacer escapes text for a GitHub-flavoured Markdown table cell or list
// item: HTML is written as entities, Markdown punctuation is
// backslash-escaped, and line breaks become <br>, so the text stays in its
// cell and renders literally.
var mdReplacer = strings.NewReplacer(
	"&", "&amp;",
	"<", "&lt;",
	">", "&gt;",
	"\r\n", "<br>",
	"\n", "<br>",
	"\r", "<br>",
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

func mdEscape(s string) string { return mdReplacer.Replace(s) }
