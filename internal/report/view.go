package report

import (
	"fmt"
	"iter"
	"sort"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
)

// This file holds what the human-readable renderers share: the view of a
// report they all show (reportView, built once by newView), grouping by
// STRIDE category and the one-line forms of resources, locations and
// suppressions. Every renderer takes the findings in the report's order, so
// the formats agree with each other and with the JSON contract.
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
	if r := l.Rendered; r != nil {
		return fileLine(l.File, l.Line) + " (rendered " + fileLine(r.File, r.Line) + ")"
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
	if r := l.Rendered; r != nil && r.File != "" {
		b = append(b, " (rendered "...)
		b = appendLocation(b, &Location{File: r.File, Line: r.Line})
		b = append(b, ')')
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

// gapReason is why a list could not be completed, "timeout", with
// " (partly read)" when some of its pages were read.
func gapReason(g object.Gap) string {
	if g.Partial {
		return g.Reason + " (partly read)"
	}
	return g.Reason
}

// gapMessage says why a list could not be completed.
func gapMessage(g object.Gap) string {
	return gapReason(g) + ": " + g.Message
}

// readinessEnforce is a namespace's enforce label, or "not set".
func readinessEnforce(n NamespaceReadiness) string {
	if n.Enforce == "" {
		return "not set"
	}
	return n.Enforce
}

// readinessString says how one namespace would fare under enforcement:
// "3 of 4 pods rejected at baseline, 4 at restricted (v1.37; enforce not set)".
func readinessString(n NamespaceReadiness) string {
	return fmt.Sprintf("%d of %d pods rejected at baseline, %d at restricted (%s; enforce %s)",
		n.RejectedBaseline, n.Pods, n.RejectedRestricted, n.Version, readinessEnforce(n))
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

// reportView is a finalized report as the table, Markdown and HTML formats
// show it: the same sections in the same order, each renderer formatting
// them its own way and reading nothing else of the report. The sections are
//
//  1. the incomplete-scan notice: every coverage gap of a live scan;
//  2. the findings that count, grouped by STRIDE category;
//  3. the suppressed findings;
//  4. Pod Security readiness per namespace;
//  5. the errors;
//  6. the notices;
//  7. the summary and the scan's settings.
//
// A section without content is left out. Its strings are the report's text
// as it is, not escaped: each format escapes every value when it writes it
// (with package textsafe, and for Markdown and HTML their own markup
// escaping), so no format can see another's escaping. Findings are not
// copied: a category yields its findings from the report, so renderers
// still write one at a time.
type reportView struct {
	// Version is the tool's version, for a title; "" when unknown.
	Version string

	// Gaps are the lists a live scan could not complete; GapsLead says so
	// in a sentence without final punctuation.
	Gaps     []object.Gap
	GapsLead string

	// Categories are the STRIDE categories with findings that count, in
	// STRIDE order. NoFindings is what to say instead when there are none
	// ("" when there are some).
	Categories []viewCategory
	NoFindings string

	// Suppressed yields the suppressed findings, SuppressedCount of them.
	Suppressed      iter.Seq[*Finding]
	SuppressedCount int

	// Readiness is, per namespace, what enforcing Pod Security would
	// reject; ReadinessLead says what is counted, in lower case and without
	// final punctuation.
	Readiness     []NamespaceReadiness
	ReadinessLead string

	// Errors are the inputs that could not be read or evaluated, ErrorsLead
	// says so in a sentence without final punctuation.
	Errors     []viewItem
	ErrorsLead string

	Notices []viewItem

	// Severities counts the findings of every severity, most severe first,
	// zeros included; Total is their sum. Summary is the one-line summary
	// and Settings the scan settings ("" when none is set).
	Severities []severityCount
	Total      int
	Summary    string
	Settings   string
}

// viewCategory is one STRIDE category's findings that count.
type viewCategory struct {
	Category check.Category
	// Count is the number of findings Findings yields.
	Count    int
	Findings iter.Seq[*Finding]
}

// viewItem is an error or a notice: where ("file:line", "file" or "") and
// what.
type viewItem struct {
	Location string
	Message  string
}

// readinessLead says what the Pod Security readiness section counts.
const readinessLead = "running pods enforce=baseline / enforce=restricted would reject"

// newView builds the view of r, a finalized report whose findings are in
// r.Findings (Render materializes a Source first).
func newView(r *Report) reportView {
	v := reportView{
		Version:         r.Tool.Version,
		Suppressed:      suppressed(r),
		SuppressedCount: countSuppressed(r),
		Total:           r.Summary.Findings,
		Summary:         summaryString(r),
		Settings:        settingsString(r.Settings),
	}
	if cov := r.Coverage; cov != nil && len(cov.Gaps) > 0 {
		v.Gaps = cov.Gaps
		v.GapsLead = plural(len(cov.Gaps), "resource", "resources") + " could not be listed; what they hold was not evaluated"
	}
	cats, counts := liveCategories(r)
	for _, c := range cats {
		v.Categories = append(v.Categories, viewCategory{Category: c, Count: counts[c], Findings: liveIn(r, c)})
	}
	switch {
	case len(cats) > 0:
	case len(r.Errors) > 0 || len(v.Gaps) > 0:
		v.NoFindings = "No findings in the input that could be read."
	default:
		v.NoFindings = "No findings."
	}
	if len(r.Readiness) > 0 {
		v.Readiness = r.Readiness
		v.ReadinessLead = readinessLead
	}
	for _, e := range r.Errors {
		v.Errors = append(v.Errors, viewItem{Location: fileLine(e.File, e.Line), Message: e.Message})
	}
	if len(r.Errors) > 0 {
		v.ErrorsLead = plural(len(r.Errors), "input", "inputs") + " could not be read or evaluated; the findings above may be incomplete"
	}
	for _, n := range r.Notices {
		v.Notices = append(v.Notices, viewItem{Location: fileLine(n.File, n.Line), Message: n.Message})
	}
	for _, s := range severitiesDesc {
		v.Severities = append(v.Severities, severityCount{Severity: s, Count: r.Summary.BySeverity[s.String()]})
	}
	return v
}
