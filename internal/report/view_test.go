package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// everySectionReport has content in every section of reportView: the full
// report's findings, suppressions, errors and notices, and the cluster
// report's coverage gaps and Pod Security readiness.
func everySectionReport() *Report {
	r, c := fullReport(), clusterReport()
	r.Coverage, r.Readiness = c.Coverage, c.Readiness
	return r
}

// TestViewSectionsInEveryFormat renders a report with every section in the
// table, Markdown and HTML, and finds each section, in reportView's order,
// holding what it must: every gap's resource, namespace and reason (partly
// read or not), every category, every suppression, every readiness
// namespace and enforce label, every error and notice, and the summary
// and settings. A format that leaves a section out, or shows it out of
// order, fails.
func TestViewSectionsInEveryFormat(t *testing.T) {
	r := everySectionReport()
	v := newView(r)
	if len(v.Gaps) != 2 || len(v.Categories) != 6 || v.SuppressedCount != 2 || len(v.Readiness) != 2 ||
		len(v.Errors) != 3 || len(v.Notices) != 1 || v.Settings == "" {
		t.Fatalf("the report does not fill every section: %+v", v)
	}

	// sections are the sections in order: a heading every format writes,
	// and what the section must hold before the next one starts. Values
	// are chosen to need no escaping in any format.
	type section struct {
		name, start string
		holds       []string
	}
	var sections []section
	gaps := section{name: "incomplete scan", start: v.GapsLead}
	for _, g := range v.Gaps {
		gaps.holds = append(gaps.holds, g.Resource, g.Namespace, gapReason(g))
	}
	sections = append(sections, gaps)
	for _, c := range v.Categories {
		s := section{name: string(c.Category), start: string(c.Category) + " ("}
		for f := range c.Findings {
			s.holds = append(s.holds, string(f.ID))
		}
		sections = append(sections, s)
	}
	sections = append(sections,
		section{name: "suppressed", start: "Suppressed (2", holds: []string{"node agent reads host metrics", "the migration image needs root until"}})
	readiness := section{name: "readiness", start: v.ReadinessLead}
	for _, n := range v.Readiness {
		readiness.holds = append(readiness.holds, n.Namespace, readinessEnforce(n))
	}
	sections = append(sections, readiness,
		section{name: "errors", start: v.ErrorsLead, holds: []string{
			"check rbac-anonymous-binding could not be evaluated", "deploy/broken.yaml:4",
			"mapping values are not allowed in this context", "deploy/empty-kind.json", "object has no kind"}},
		section{name: "notices", start: "Notices", holds: []string{"kubestride.yaml:12", "exemption namespace=legacy expired on 2026-01-31"}},
		section{name: "summary", start: v.Summary, holds: []string{v.Settings}},
	)

	for _, format := range []string{"table", "markdown", "html"} {
		t.Run(format, func(t *testing.T) {
			out := render(t, format, everySectionReport(), Options{})
			at := 0
			for i, s := range sections {
				start := strings.Index(out[at:], s.start)
				if start < 0 {
					t.Fatalf("section %q (%q) is missing, or not after the section before it:\n%s", s.name, s.start, out)
				}
				at += start
				end := len(out)
				if i+1 < len(sections) {
					if next := strings.Index(out[at:], sections[i+1].start); next >= 0 {
						end = at + next
					}
				}
				body := out[at:end]
				for _, want := range s.holds {
					if !strings.Contains(body, want) {
						t.Errorf("section %q does not show %q:\n%s", s.name, want, body)
					}
				}
				at = end
			}
		})
	}
}

// TestViewErrorsAreOnlyErrors: the coverage gaps of a live scan are shown
// in the incomplete-scan notice, not counted again as errors.
func TestViewErrorsAreOnlyErrors(t *testing.T) {
	v := newView(clusterReport())
	if len(v.Gaps) != 2 || len(v.Errors) != 0 || v.ErrorsLead != "" {
		t.Errorf("gaps %d, errors %d (lead %q); want 2 gaps and no errors", len(v.Gaps), len(v.Errors), v.ErrorsLead)
	}
	for _, format := range []string{"table", "markdown", "html"} {
		if out := render(t, format, clusterReport(), Options{}); strings.Contains(out, "could not be read or evaluated") {
			t.Errorf("%s shows the coverage gaps as errors:\n%s", format, out)
		}
	}
}

// TestViewNoFindings: "no findings" is qualified when some input could not
// be read or a list could not be completed, in every format.
func TestViewNoFindings(t *testing.T) {
	gapsOnly := clusterReport()
	gapsOnly.Findings = nil
	gapsOnly.Finalize()
	errorsOnly := emptyReport()
	errorsOnly.Errors = []Error{{File: "a.yaml", Message: "object has no kind"}}
	for _, c := range []struct {
		name   string
		report *Report
		want   string
	}{
		{"clean", emptyReport(), "No findings."},
		{"gaps", gapsOnly, "No findings in the input that could be read."},
		{"errors", errorsOnly, "No findings in the input that could be read."},
	} {
		if got := newView(c.report).NoFindings; got != c.want {
			t.Errorf("%s: NoFindings = %q, want %q", c.name, got, c.want)
		}
		for _, format := range []string{"table", "markdown", "html"} {
			if out := render(t, format, c.report, Options{}); !strings.Contains(out, c.want) {
				t.Errorf("%s: %s does not say %q:\n%s", c.name, format, c.want, out)
			}
		}
	}
}

// TestTableFirstScreen: a table of many findings opens with the summary and
// the critical and high findings; a short one does not repeat them.
func TestTableFirstScreen(t *testing.T) {
	r := &Report{SchemaVersion: SchemaVersion, Rules: []check.Meta{rulePrivileged, ruleNoLimits}}
	for i := range firstScreenFindings + 5 {
		sev, rule := check.Low, ruleNoLimits
		if i%10 == 0 {
			sev, rule = check.Critical, rulePrivileged
		}
		r.Findings = append(r.Findings, Finding{ID: rule.ID, Category: rule.Category, Severity: sev, Title: rule.Title,
			Message: fmt.Sprintf("finding %d", i), Resource: Resource{Kind: "Pod", Namespace: "ns", Name: fmt.Sprintf("p%03d", i)}})
	}
	r.Finalize()
	var buf bytes.Buffer
	if err := Render(&buf, "table", r, Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	if !strings.HasPrefix(lines[0], "Summary: 45 findings (5 critical, 40 low)") || !strings.HasPrefix(lines[2], "Critical and high first (5 of 45 findings") {
		t.Errorf("the table does not open with the summary and the criticals:\n%s", strings.Join(lines[:min(len(lines), 6)], "\n"))
	}
	r.Findings = r.Findings[:10]
	r.Finalize()
	buf.Reset()
	if err := Render(&buf, "table", r, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(buf.String(), "Summary:") {
		t.Errorf("a short table opens with the summary:\n%s", buf.String())
	}
}

func TestTableWrapsToWidth(t *testing.T) {
	r := fullReport()
	var buf bytes.Buffer
	if err := Render(&buf, "table", r, Options{Width: 60}); err != nil {
		t.Fatal(err)
	}
	wrapped := 0
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(l, "            ") { // a message line
			if n := len([]rune(l)); n > 60 && strings.Contains(strings.TrimSpace(l), " ") {
				t.Errorf("message line of %d runes at width 60: %q", n, l)
			}
			wrapped++
		}
	}
	if wrapped == 0 {
		t.Fatal("no message lines")
	}
	if got, rest := wrap([]byte("aaaa bbbb cccc dddd eeee ffff gggg hhhh"), 20); string(got) != "aaaa bbbb cccc dddd" || string(rest) != "eeee ffff gggg hhhh" {
		t.Errorf("wrap = %q, %q", got, rest)
	}
}
