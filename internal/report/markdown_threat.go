package report

import (
	"fmt"
	"strings"
)

// mdTopFindings caps the findings the threat-model summary lists per
// category; the findings' tables further down hold them all.
const mdTopFindings = 3

// threatModel writes the threat-model summary: coverage gaps, a table of
// the categories with their scores and control counts, then per category
// its controls with their status and evidence, and its top findings.
func (m *mdWriter) threatModel(r *Report, tm threatModel) {
	if len(tm.Gaps) > 0 {
		m.line("")
		m.line(fmt.Sprintf("## Coverage gaps (%d)", len(tm.Gaps)))
		m.line("")
		m.line("> [!WARNING]")
		m.line("> What kept parts of the threat model from being evaluated; a control not evaluated is not a pass.")
		m.line("")
		for _, g := range tm.Gaps {
			m.line("- " + mdEscape(g))
		}
	}
	m.line("")
	m.line("## Threat model")
	m.line("")
	m.line("| Category | Score | In place | Missing | Not evaluated | Findings |")
	m.line("|---|---:|---:|---:|---:|---:|")
	for _, c := range tm.Categories {
		m.line(fmt.Sprintf("| %s | %s | %d | %d | %d | %d |", c.Category.Title(), c.scoreString(), c.countStatus(StatusInPlace),
			c.countStatus(StatusMissing), c.countStatus(StatusNotEvaluated), c.Findings))
	}
	m.line("")
	m.line("<sub>" + mdEscape(ScoreRule) + "</sub>")
	for _, c := range tm.Categories {
		if len(c.Controls) == 0 {
			continue
		}
		m.line("")
		m.line(fmt.Sprintf("### %s: score %s", c.Category.Title(), c.scoreString()))
		m.line("")
		for _, ctl := range c.Controls {
			s := "- " + mdStatus(ctl.Status) + " " + mdEscape(ctl.Control.Title())
			var ev []string
			for _, e := range ctl.Evidence {
				ev = append(ev, fmt.Sprintf("`%s` ×%d", mdEscape(string(e.ID)), e.Count))
			}
			if len(ev) > 0 {
				s += ": " + strings.Join(ev, ", ")
			}
			if ctl.Why != "" {
				s += " (" + mdEscape(ctl.Why) + ")"
			}
			m.line(s)
		}
		if c.Findings == 0 {
			continue
		}
		m.line("")
		m.line("Top findings:")
		m.line("")
		n := 0
		for f := range liveIn(r, c.Category) {
			if n == mdTopFindings {
				break
			}
			n++
			m.line(fmt.Sprintf("%d. %s `%s` %s: %s", n, f.Severity, mdEscape(string(f.ID)), mdEscape(subjectString(f)), mdEscape(f.Message)))
		}
		if more := c.Findings - n; more > 0 {
			m.line("")
			m.line(fmt.Sprintf("…and %d more in the %s table below.", more, c.Category))
		}
	}
	if len(tm.Paths) > 0 {
		m.line("")
		m.line(fmt.Sprintf("### Privilege-escalation paths (%d)", len(tm.Paths)+tm.MorePaths))
		m.line("")
		for i, p := range tm.Paths {
			parts := []string{"`" + mdEscape(p.Subject.String()) + "`"}
			for _, h := range p.Hops {
				parts = append(parts, "("+mdEscape(hopText(h))+")", "`"+mdEscape(h.To.String())+"`")
			}
			m.line(fmt.Sprintf("%d. %s", i+1, strings.Join(parts, " → ")))
		}
		if tm.MorePaths > 0 {
			m.line("")
			m.line(fmt.Sprintf("…and %d more (kubestride rbac paths lists them all).", tm.MorePaths))
		}
	}
}

// mdStatus is a control's status, marked for a reader.
func mdStatus(s string) string {
	switch s {
	case StatusInPlace:
		return "✅ in place:"
	case StatusMissing:
		return "❌ **missing**:"
	}
	return "⚠️ not evaluated:"
}
