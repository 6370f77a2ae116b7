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

// renderHTML writes a single self-contained page: inline CSS, no scripts and
// no external assets (its Content-Security-Policy forbids loading any), with
// the summary, a table per STRIDE category, the suppressed findings, the
// errors and the notices.
//
// The template ranges over iterators that make each finding's row as it is
// written, so the page is never held in memory, nor a row per finding.
func renderHTML(w io.Writer, r *Report, _ Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTemplate.Execute(bw, buildHTMLView(r)); err != nil {
		return err
	}
	return bw.Flush()
}

// htmlView is what the template shows; it holds only strings and numbers taken
// from the report, with their control characters shown as escapes, and
// iterators over the findings' rows.
type htmlView struct {
	Version    string
	Summary    string
	Settings   string
	Severities []htmlCount
	Total      int
	Categories []htmlCategory
	// Suppressed yields a row per suppressed finding; SuppressedCount is
	// their number.
	Suppressed      iter.Seq[htmlFinding]
	SuppressedCount int
	Errors          []htmlProblem
	Notices         []htmlProblem
	// ErrorsOnly is set when nothing was found but some input could not be
	// read, so "no findings" must be qualified.
	ErrorsOnly bool
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
		Version:  textsafe.Line(r.Tool.Version),
		Summary:  summaryString(r),
		Settings: textsafe.Line(settingsString(r.Settings)),
		Total:    r.Summary.Findings,
	}
	for _, s := range severitiesDesc {
		v.Severities = append(v.Severities, htmlCount{Severity: s.String(), Count: r.Summary.BySeverity[s.String()]})
	}
	cats, counts := liveCategories(r)
	for _, c := range cats {
		v.Categories = append(v.Categories, htmlCategory{Name: string(c), Count: counts[c], Findings: htmlRows(liveIn(r, c))})
	}
	v.SuppressedCount = countSuppressed(r)
	v.Suppressed = htmlRows(suppressed(r))
	for _, e := range problems(r) {
		v.Errors = append(v.Errors, htmlProblem{Location: textsafe.Line(fileLine(e.File, e.Line)), Message: textsafe.Text(e.Message)})
	}
	for _, n := range r.Notices {
		v.Notices = append(v.Notices, htmlProblem{Location: textsafe.Line(fileLine(n.File, n.Line)), Message: textsafe.Text(n.Message)})
	}
	v.ErrorsOnly = len(v.Categories) == 0 && len(v.Errors) > 0
	return v
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
