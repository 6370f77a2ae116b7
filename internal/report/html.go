package report

import (
	_ "embed"
	"html/template"
	"io"
)

func init() { registerFormat("html", renderHTML) }

//go:embed html.tmpl
var htmlSource string

// htmlTemplate is parsed once; html/template escapes every value by context.
var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// renderHTML writes a single self-contained page: inline CSS, no scripts and
// no external assets (its Content-Security-Policy forbids loading any), with
// the summary, a table per STRIDE category, the suppressed findings, the
// errors and the notices.
func renderHTML(w io.Writer, r *Report, _ Options) error {
	return htmlTemplate.Execute(w, buildHTMLView(r))
}

// htmlView is what the template shows; it holds only strings and numbers taken
// from the report.
type htmlView struct {
	Version    string
	Summary    string
	Settings   string
	Severities []htmlCount
	Total      int
	Categories []htmlCategory
	Suppressed []htmlFinding
	Errors     []htmlProblem
	Notices    []htmlProblem
	// ErrorsOnly is set when nothing was found but some input could not be
	// read, so "no findings" must be qualified.
	ErrorsOnly bool
}

type htmlCount struct {
	Severity string
	Count    int
}

type htmlCategory struct {
	Name     string
	Findings []htmlFinding
}

type htmlFinding struct {
	Severity    string
	ID          string
	Title       string
	Resource    string
	Location    string
	Field       string
	Message     string
	PSS         string
	Remediation string
	Suppression string
}

type htmlProblem struct {
	Location string
	Message  string
}

func buildHTMLView(r *Report) htmlView {
	v := htmlView{
		Version:  r.Tool.Version,
		Summary:  summaryString(r),
		Settings: settingsString(r.Settings),
		Total:    r.Summary.Findings,
	}
	for _, s := range severitiesDesc {
		v.Severities = append(v.Severities, htmlCount{Severity: s.String(), Count: r.Summary.BySeverity[s.String()]})
	}
	for _, g := range liveByCategory(r) {
		c := htmlCategory{Name: string(g.Category)}
		for _, f := range g.Findings {
			c.Findings = append(c.Findings, htmlFindingOf(f))
		}
		v.Categories = append(v.Categories, c)
	}
	for _, f := range suppressedFindings(r) {
		v.Suppressed = append(v.Suppressed, htmlFindingOf(f))
	}
	for _, e := range r.Errors {
		v.Errors = append(v.Errors, htmlProblem{Location: fileLine(e.File, e.Line), Message: e.Message})
	}
	for _, n := range r.Notices {
		v.Notices = append(v.Notices, htmlProblem{Location: fileLine(n.File, n.Line), Message: n.Message})
	}
	v.ErrorsOnly = len(v.Categories) == 0 && len(v.Errors) > 0
	return v
}

func htmlFindingOf(f *Finding) htmlFinding {
	return htmlFinding{
		Severity:    f.Severity.String(),
		ID:          string(f.ID),
		Title:       f.Title,
		Resource:    resourceString(f.Resource),
		Location:    locationString(f.Location),
		Field:       f.Field,
		Message:     f.Message,
		PSS:         pssString(f.PSS),
		Remediation: f.Remediation,
		Suppression: suppressionString(f.Suppressed),
	}
}
