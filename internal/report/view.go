package report

import (
	"fmt"
	"github.com/kubestride/kubestride/internal/object"
	"iter"
	"sort"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
)

// This file holds what the human-readable renderers share: grouping by STRIDE
// category and the one-line forms of resources, locations and suppressions.
// Every renderer takes the findings in the report's order, so the formats
// agree with each other and with the JSON contract.
//
// Renderers stream: they write one finding at a time to a buffered writer,
// keeping only per-category or per-rule state (counts, column widths) that a
// first pass over the findings computes, never the document or a list of the
// findings' text. The append* helpers build a finding's pieces in a reused
// buffer; the *From helpers of each format escape a piece in place and leave
// plain text, nearly all of it, as it is.

// severitiesDesc lists the severities most severe first, the order in which
// summaries count them.
var severitiesDesc = []check.Severity{check.Critical, check.High, check.Medium, check.Low, check.Info}

// liveCategories returns the categories of the findings that are not
// suppressed, in STRIDE order, with the number of such findings in each;
// categories without findings are left out. A category outside STRIDE (which
// a valid check cannot have) comes last, sorted by name, so no finding is
// ever lost. Renderers then visit each category's findings with liveIn
// rather than collecting them, so that no renderer holds a list as long as
// the report.
func liveCategories(r *Report) ([]check.Category, map[check.Category]int) {
	counts := map[check.Category]int{}
	for i := range r.Findings {
		if f := &r.Findings[i]; f.Suppressed == nil {
			counts[f.Category]++
		}
	}
	return categoryOrder(counts), counts
}

// liveIn yields the findings of category c that are not suppressed, in
// report order.
func liveIn(r *Report, c check.Category) iter.Seq[*Finding] {
	return func(yield func(*Finding) bool) {
		for i := range r.Findings {
			if f := &r.Findings[i]; f.Suppressed == nil && f.Category == c && !yield(f) {
				return
			}
		}
	}
}

// categoryOrder returns the keys of m in STRIDE order, then any others sorted.
func categoryOrder[V any](m map[check.Category]V) []check.Category {
	var out []check.Category
	for _, c := range check.Categories {
		if _, ok := m[c]; ok {
			out = append(out, c)
		}
	}
	var extra []check.Category
	for c := range m {
		if !c.Valid() {
			extra = append(extra, c)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i] < extra[j] })
	return append(out, extra...)
}

// countSuppressed is the number of suppressed findings.
func countSuppressed(r *Report) int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Suppressed != nil {
			n++
		}
	}
	return n
}

// suppressed yields the suppressed findings in report order.
func suppressed(r *Report) iter.Seq[*Finding] {
	return func(yield func(*Finding) bool) {
		for i := range r.Findings {
			if f := &r.Findings[i]; f.Suppressed != nil && !yield(f) {
				return
			}
		}
	}
}

// resourceString is "Kind namespace/name", "Kind name" for a cluster-scoped
// object, or "-" when the finding is not about an object.
func resourceString(res Resource) string {
	return string(appendResource(make([]byte, 0, 64), res))
}

// subjectString describes what a finding is about, for a person:
// "Deployment payments/ledger", "file /etc/kubernetes/pki/ca.key",
// "user:mallory (2 events)", "image nginx:1.27@sha256:...".
func subjectString(f *Finding) string {
	return string(appendSubject(make([]byte, 0, 64), f))
}

// appendSubject appends subjectString(f) to b.
func appendSubject(b []byte, f *Finding) []byte {
	switch {
	case f.File != nil:
		b = append(b, "file "...)
		b = append(b, f.File.Path...)
		if f.File.Key != "" {
			b = append(b, " ("...)
			b = append(b, f.File.Key...)
			b = append(b, ')')
		}
		return b
	case f.AuditTrail != nil:
		b = append(b, f.AuditTrail.Principal...)
		b = append(b, " ("...)
		b = strconv.AppendInt(b, int64(len(f.AuditTrail.Events)), 10)
		if len(f.AuditTrail.Events) == 1 {
			return append(b, " event)"...)
		}
		return append(b, " events)"...)
	case f.Image != nil:
		b = append(b, "image "...)
		b = append(b, f.Image.Reference...)
		if f.Image.Digest != "" && !strings.Contains(f.Image.Reference, "@") {
			b = append(b, '@')
			b = append(b, f.Image.Digest...)
		}
		return b
	}
	return appendResource(b, f.Resource)
}

// appendResource appends resourceString(res) to b.
func appendResource(b []byte, res Resource) []byte {
	hasName := res.Namespace != "" || res.Name != ""
	switch {
	case res.Kind == "" && !hasName:
		return append(b, '-')
	case res.Kind != "":
		b = append(b, res.Kind...)
		if !hasName {
			return b
		}
		b = append(b, ' ')
	}
	if res.Namespace != "" {
		b = append(b, res.Namespace...)
		b = append(b, '/')
	}
	b = append(b, res.Name...)
	if res.Pods > 0 {
		b = append(b, " ("...)
		b = strconv.AppendInt(b, int64(res.Pods), 10)
		if res.Pods == 1 {
			b = append(b, " pod)"...)
		} else {
			b = append(b, " pods)"...)
		}
	}
	return b
}

// locationString is "file:line", "file", or "" when the finding has no file.
func locationString(l *Location) string {
	if l == nil {
		return ""
	}
	return fileLine(l.File, l.Line)
}

// appendLocation appends locationString(l) to b.
func appendLocation(b []byte, l *Location) []byte {
	if l == nil || l.File == "" {
		return b
	}
	b = append(b, l.File...)
	if l.Line > 0 {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(l.Line), 10)
	}
	return b
}

// fileLine is "file:line", "file", or "".
func fileLine(file string, line int) string {
	switch {
	case file == "":
		return ""
	case line > 0:
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}

// suppressionString says how a finding was suppressed:
// "annotation: <reason>" or "exemption, expires 2027-01-31: <reason>".
func suppressionString(s *Suppression) string {
	if s == nil {
		return ""
	}
	how := s.Kind
	if how == "" {
		how = "suppressed"
	}
	if s.Expires != "" {
		how += ", expires " + s.Expires
	}
	return how + ": " + s.Reason
}

// pssString names the Pod Security Standards control behind a finding:
// "PSS baseline v1.37: privileged".
func pssString(p *check.PSS) string {
	if p == nil {
		return ""
	}
	s := "PSS " + p.Level
	if p.Version != "" {
		s += " " + p.Version
	}
	return s + ": " + p.Check
}

// appendPSS appends pssString(p) to b.
func appendPSS(b []byte, p *check.PSS) []byte {
	if p == nil {
		return b
	}
	b = append(b, "PSS "...)
	b = append(b, p.Level...)
	if p.Version != "" {
		b = append(b, ' ')
		b = append(b, p.Version...)
	}
	b = append(b, ": "...)
	return append(b, p.Check...)
}

// severityCounts is the summary's count for each severity, most severe first,
// leaving out severities without findings.
func severityCounts(r *Report) []severityCount {
	var out []severityCount
	for _, s := range severitiesDesc {
		if n := r.Summary.BySeverity[s.String()]; n > 0 {
			out = append(out, severityCount{Severity: s, Count: n})
		}
	}
	return out
}

type severityCount struct {
	Severity check.Severity
	Count    int
}

// settingsString describes the scan settings that are set:
// "PSS restricted v1.37, fail-on high".
func settingsString(s Settings) string {
	var parts []string
	if s.PSSLevel != "" {
		p := "PSS " + s.PSSLevel
		if s.PSSVersion != "" {
			p += " " + s.PSSVersion
		}
		parts = append(parts, p)
	}
	if s.FailOn.Valid() {
		parts = append(parts, "fail-on "+s.FailOn.String())
	}
	return strings.Join(parts, ", ")
}

// plural is "1 finding" or "2 findings".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// summaryString counts what the report holds:
// "7 findings (1 critical, 2 high), 2 suppressed, 2 errors, 1 notice".
func summaryString(r *Report) string {
	s := plural(r.Summary.Findings, "finding", "findings")
	if counts := severityCounts(r); len(counts) > 0 {
		parts := make([]string, len(counts))
		for i, c := range counts {
			parts[i] = fmt.Sprintf("%d %s", c.Count, c.Severity)
		}
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if r.Summary.Suppressed > 0 {
		s += fmt.Sprintf(", %d suppressed", r.Summary.Suppressed)
	}
	if len(r.Errors) > 0 {
		s += ", " + plural(len(r.Errors), "error", "errors")
	}
	if len(r.Notices) > 0 {
		s += ", " + plural(len(r.Notices), "notice", "notices")
	}
	return s
}

// gapWhere names the resource (and namespace) of a coverage gap.
func gapWhere(g object.Gap) string {
	if g.Namespace != "" {
		return g.Resource + " in " + g.Namespace
	}
	return g.Resource
}

// gapMessage says why a list could not be completed.
func gapMessage(g object.Gap) string {
	msg := g.Reason + ": " + g.Message
	if g.Partial {
		msg = g.Reason + " (partly read): " + g.Message
	}
	return msg
}

// problems lists the report's errors followed by its coverage gaps, as
// errors, for formats that show them in one list.
func problems(r *Report) []Error {
	if r.Coverage == nil || len(r.Coverage.Gaps) == 0 {
		return r.Errors
	}
	out := append([]Error(nil), r.Errors...)
	for _, g := range r.Coverage.Gaps {
		out = append(out, Error{Message: "could not list " + gapWhere(g) + ": " + gapMessage(g)})
	}
	return out
}
