package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
)

func init() { registerFormat("junit", renderJUnit) }

// renderJUnit writes a JUnit XML report for CI systems: one testsuite per
// STRIDE category with a failing testcase per (check, resource), a skipped
// one per suppressed (check, resource) and a passing one per check that ran
// without findings; and, when input could not be read or evaluated, a
// "kubestride" testsuite with an erroring testcase per error.
func renderJUnit(w io.Writer, r *Report, _ Options) error {
	doc := buildJUnit(r)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string         `xml:"name,attr"`
	Tests     int            `xml:"tests,attr"`
	Failures  int            `xml:"failures,attr"`
	Errors    int            `xml:"errors,attr"`
	Skipped   int            `xml:"skipped,attr"`
	Cases     []junitCase    `xml:"testcase"`
	SystemOut *junitCharData `xml:"system-out,omitempty"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",innerxml"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitCharData struct {
	Text string `xml:",innerxml"`
}

// xmlText escapes s as XML character data for an innerxml field: markup
// characters become references and characters XML cannot hold become U+FFFD,
// but line breaks and tabs stay as they are (encoding/xml would write them as
// &#xA; and &#x9;), so multi-line text stays readable in the file.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return strings.NewReplacer("&#xA;", "\n", "&#x9;", "\t").Replace(b.String())
}

// junitKey is what one testcase stands for.
type junitKey struct {
	id         check.ID
	resource   Resource
	suppressed bool
}

func buildJUnit(r *Report) junitSuites {
	doc := junitSuites{Name: toolName(r.Tool)}

	// Testcases per category, in report order of their first finding.
	type tc struct {
		key      junitKey
		findings []*Finding
	}
	cases := map[check.Category][]*tc{}
	index := map[junitKey]*tc{}
	ran := map[check.ID]bool{}
	for i := range r.Findings {
		f := &r.Findings[i]
		ran[f.ID] = true
		k := junitKey{id: f.ID, resource: f.Resource, suppressed: f.Suppressed != nil}
		c := index[k]
		if c == nil {
			c = &tc{key: k}
			index[k] = c
			cases[f.Category] = append(cases[f.Category], c)
		}
		c.findings = append(c.findings, f)
	}
	passing := map[check.Category][]check.Meta{}
	for _, m := range r.Rules {
		if !ran[m.ID] {
			passing[m.Category] = append(passing[m.Category], m)
			if _, ok := cases[m.Category]; !ok {
				cases[m.Category] = nil
			}
		}
	}

	for _, cat := range categoryOrder(cases) {
		s := junitSuite{Name: string(cat)}
		for _, c := range cases[cat] {
			jc := junitCase{Name: resourceString(c.key.resource), Classname: string(c.key.id)}
			if c.key.suppressed {
				jc.Skipped = &junitSkipped{Message: "suppressed by " + suppressionString(c.findings[0].Suppressed)}
				s.Skipped++
			} else {
				jc.Failure = junitFailure(c.findings)
				s.Failures++
			}
			s.Cases = append(s.Cases, jc)
		}
		for _, m := range passing[cat] {
			s.Cases = append(s.Cases, junitCase{Name: "all resources", Classname: string(m.ID)})
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
	}

	if len(r.Errors) > 0 || len(r.Notices) > 0 {
		s := junitSuite{Name: "kubestride"}
		for _, e := range r.Errors {
			name := fileLine(e.File, e.Line)
			if name == "" {
				name = "scan"
			}
			s.Cases = append(s.Cases, junitCase{
				Name:      name,
				Classname: "kubestride.input",
				Error:     &junitProblem{Message: e.Message, Type: "could not be read or evaluated", Text: xmlText(e.Message)},
			})
			s.Errors++
		}
		if len(r.Notices) > 0 {
			var b strings.Builder
			for _, n := range r.Notices {
				if loc := fileLine(n.File, n.Line); loc != "" {
					b.WriteString(loc + ": ")
				}
				b.WriteString("notice: " + n.Message + "\n")
			}
			s.SystemOut = &junitCharData{Text: xmlText(b.String())}
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
	}

	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	return doc
}

// junitFailure describes the findings of one check on one resource: the
// message attribute is the first finding's message (the most severe, as the
// report is sorted), the body every finding with its location, field and
// remediation.
func junitFailure(fs []*Finding) *junitProblem {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s: %s\n", f.Severity, f.Message)
		if loc := locationString(f.Location); loc != "" {
			fmt.Fprintf(&b, "location: %s\n", loc)
		}
		if f.Field != "" {
			fmt.Fprintf(&b, "field: %s\n", f.Field)
		}
		if p := pssString(f.PSS); p != "" {
			fmt.Fprintf(&b, "control: %s\n", p)
		}
		fmt.Fprintf(&b, "remediation: %s\n", f.Remediation)
	}
	msg := fs[0].Message
	if len(fs) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(fs)-1)
	}
	return &junitProblem{Message: msg, Type: fs[0].Severity.String(), Text: xmlText(b.String())}
}
