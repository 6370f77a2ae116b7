package report

import (
	"bufio"
	_ "embed"
	"html/template"
	"io"
	"iter"

	"github.com/kubestride/kubestride/internal/textsafe"
)

func init() { registerFormat("html", renderHTML) }

//go:embed html.tmpl
var htmlSource string

// htmlTemplate is parsed once; html/template escapes every value by context.
var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// renderHTML writes a single self-contained page: inline CSS, one inline
// script (the findings' filters; the page works without it) and no external
// assets (its Content-Security-Policy forbids loading any). The threat model
// comes first (coverage gaps, the STRIDE categories' controls and scores,
// the escalation paths as an SVG graph, Pod Security readiness), then the
// sections of reportView in their order, as tables, and the summary last.
//
// The template ranges over iterators that make each finding's row as it is
// written, so the page is never held in memory, nor a row per finding.
func renderHTML(w io.Writer, r *Report, _ Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	h := buildHTMLView(newView(r))
	h.Threat = buildHTMLThreat(newThreatModel(r))
	h.Filters = htmlFiltersOf(r)
	if err := htmlTemplate.Execute(bw, h); err != nil {
		return err
	}
	return bw.Flush()
}

// htmlView is reportView as the template shows it: its strings with their
// control characters shown as escapes (html/template escapes markup but
// leaves those as they are), and iterators over the findings' rows.
type htmlView struct {
	Version string
	// CSP is the page's Content-Security-Policy and Script its script.
	CSP     string
	Script  template.JS
	Threat  htmlThreat
	Filters htmlFilters
	// Gaps and GapsLead are the incomplete-scan notice.
	Gaps       []htmlGap
	GapsLead   string
	Categories []htmlCategory
	NoFindings string
	// Suppressed yields a row per suppressed finding; SuppressedCount is
	// their number.
	Suppressed      iter.Seq[htmlFinding]
	SuppressedCount int
	Readiness       []htmlReadiness
	ReadinessLead   string
	Errors          []htmlProblem
	ErrorsLead      string
	Notices         []htmlProblem
	Severities      []htmlCount
	Total           int
	Summary         string
	Settings        string
}

type htmlGap struct {
	Resource  string
	Namespace string
	Reason    string
	Message   string
}

type htmlReadiness struct {
	Namespace          string
	Enforce            string
	Version            string
	Pods               int
	RejectedBaseline   int
	RejectedRestricted int
}

type htmlCount struct {
	Severity string
	Count    int
}

type htmlCategory struct {
	Name string
	// Count is the number of findings Findings yields.
	Count    int
	Findings iter.Seq[htmlFinding]
}

type htmlFinding struct {
	Category    string
	Namespace   string
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

func buildHTMLView(v reportView) htmlView {
	h := htmlView{
		CSP:             cspContent(),
		Script:          template.JS(htmlScript),
		Version:         textsafe.Line(v.Version),
		GapsLead:        v.GapsLead,
		NoFindings:      v.NoFindings,
		Suppressed:      htmlRows(v.Suppressed),
		SuppressedCount: v.SuppressedCount,
		ReadinessLead:   v.ReadinessLead,
		ErrorsLead:      v.ErrorsLead,
		Total:           v.Total,
		Summary:         textsafe.Line(v.Summary),
		Settings:        textsafe.Line(v.Settings),
	}
	for _, g := range v.Gaps {
		h.Gaps = append(h.Gaps, htmlGap{Resource: textsafe.Line(g.Resource), Namespace: textsafe.Line(g.Namespace),
			Reason: textsafe.Line(gapReason(g)), Message: textsafe.Text(g.Message)})
	}
	for _, c := range v.Categories {
		h.Categories = append(h.Categories, htmlCategory{Name: textsafe.Line(string(c.Category)), Count: c.Count, Findings: htmlRows(c.Findings)})
	}
	for _, n := range v.Readiness {
		h.Readiness = append(h.Readiness, htmlReadiness{Namespace: textsafe.Line(n.Namespace), Enforce: textsafe.Line(readinessEnforce(n)),
			Version: textsafe.Line(n.Version), Pods: n.Pods, RejectedBaseline: n.RejectedBaseline, RejectedRestricted: n.RejectedRestricted})
	}
	for _, e := range v.Errors {
		h.Errors = append(h.Errors, htmlProblem{Location: textsafe.Line(e.Location), Message: textsafe.Text(e.Message)})
	}
	for _, n := range v.Notices {
		h.Notices = append(h.Notices, htmlProblem{Location: textsafe.Line(n.Location), Message: textsafe.Text(n.Message)})
	}
	for _, c := range v.Severities {
		h.Severities = append(h.Severities, htmlCount{Severity: c.Severity.String(), Count: c.Count})
	}
	return h
}

// htmlRows yields the row of each finding of fs.
func htmlRows(fs iter.Seq[*Finding]) iter.Seq[htmlFinding] {
	return func(yield func(htmlFinding) bool) {
		for f := range fs {
			if !yield(htmlFindingOf(f)) {
				return
			}
		}
	}
}

// htmlFindingOf is the row of f. html/template escapes markup; control
// characters, which it leaves as they are, are shown as escapes here.
func htmlFindingOf(f *Finding) htmlFinding {
	return htmlFinding{
		Category:    textsafe.Line(string(f.Category)),
		Namespace:   textsafe.Line(namespaceOf(f)),
		Severity:    f.Severity.String(),
		ID:          textsafe.Line(string(f.ID)),
		Title:       textsafe.Text(f.Title),
		Resource:    textsafe.Line(subjectString(f)),
		Location:    textsafe.Line(locationString(f.Location)),
		Field:       textsafe.Line(f.Field),
		Message:     textsafe.Text(f.Message),
		PSS:         textsafe.Line(pssString(f.PSS)),
		Remediation: textsafe.Text(f.Remediation),
		Suppression: textsafe.Text(suppressionString(f.Suppressed)),
	}
}
