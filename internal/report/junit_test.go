package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/textsafe"
)

// The JUnit document as encoding/xml types. The renderer writes it by hand;
// the tests decode its output into these types and hold it to what
// encoding/xml writes for them.

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

// encoderXMLText is what the JUnit document holds for text: the text with its
// control characters shown (textsafe.Text), then encoding/xml's escaping,
// less that of line breaks and tabs.
func encoderXMLText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(textsafe.Text(s))) // a strings.Builder does not fail
	return strings.NewReplacer("&#xA;", "\n", "&#x9;", "\t").Replace(b.String())
}

// encoderJUnit is what encoding/xml writes for the JUnit document of r, built
// as a whole in memory with the findings grouped through a map.
func encoderJUnit(t *testing.T, r *Report) []byte {
	t.Helper()
	doc := junitSuites{Name: toolName(r.Tool)}
	type key struct {
		id         check.ID
		resource   Resource
		suppressed bool
	}
	type tc struct {
		key      key
		findings []*Finding
	}
	cases := map[check.Category][]*tc{}
	index := map[key]*tc{}
	ran := map[check.ID]bool{}
	for i := range r.Findings {
		f := &r.Findings[i]
		ran[f.ID] = true
		k := key{id: f.ID, resource: f.Resource, suppressed: f.Suppressed != nil}
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
	// Checks with nothing to judge are skipped with the reason, after the
	// passing ones.
	for cat, ms := range passing {
		slices.SortStableFunc(ms, func(a, b check.Meta) int {
			_, ea := r.NotEvaluated[a.ID]
			_, eb := r.NotEvaluated[b.ID]
			switch {
			case ea == eb:
				return 0
			case eb:
				return -1
			}
			return 1
		})
		passing[cat] = ms
	}
	for _, cat := range categoryOrder(cases) {
		s := junitSuite{Name: string(cat)}
		for _, c := range cases[cat] {
			jc := junitCase{Name: resourceString(c.key.resource), Classname: string(c.key.id)}
			if c.key.suppressed {
				jc.Skipped = &junitSkipped{Message: "suppressed by " + suppressionString(c.findings[0].Suppressed)}
				s.Skipped++
			} else {
				var b strings.Builder
				for i, f := range c.findings {
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
				msg := c.findings[0].Message
				if len(c.findings) > 1 {
					msg += fmt.Sprintf(" (and %d more)", len(c.findings)-1)
				}
				jc.Failure = &junitProblem{Message: msg, Type: c.findings[0].Severity.String(), Text: encoderXMLText(b.String())}
				s.Failures++
			}
			s.Cases = append(s.Cases, jc)
		}
		for _, m := range passing[cat] {
			jc := junitCase{Name: "all resources", Classname: string(m.ID)}
			if why, ok := r.NotEvaluated[m.ID]; ok {
				jc.Skipped = &junitSkipped{Message: why}
				s.Skipped++
			}
			s.Cases = append(s.Cases, jc)
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
				Name: name, Classname: "kubestride.input",
				Error: &junitProblem{Message: e.Message, Type: "could not be read or evaluated", Text: encoderXMLText(e.Message)},
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
			s.SystemOut = &junitCharData{Text: encoderXMLText(b.String())}
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

	// Attribute values show their control characters too.
	doc.Name = textsafe.Text(doc.Name)
	for i := range doc.Suites {
		s := &doc.Suites[i]
		s.Name = textsafe.Text(s.Name)
		for j := range s.Cases {
			c := &s.Cases[j]
			c.Name, c.Classname = textsafe.Text(c.Name), textsafe.Text(c.Classname)
			for _, p := range []*junitProblem{c.Failure, c.Error} {
				if p != nil {
					p.Message, p.Type = textsafe.Text(p.Message), textsafe.Text(p.Type)
				}
			}
			if c.Skipped != nil {
				c.Skipped.Message = textsafe.Text(c.Skipped.Message)
			}
		}
	}

	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	buf.WriteString("\n")
	return buf.Bytes()
}

// TestJUnitMatchesEncoder: the JUnit writer writes the bytes encoding/xml
// writes for the whole document. The tricky reports hold findings of one
// check on one object that are not adjacent in report order, and a check
// whose findings are in two categories.
func TestJUnitMatchesEncoder(t *testing.T) {
	reports := testReports()
	notices := oneFinding("m", nil)
	notices.Notices = []Notice{{Message: "only a notice"}}
	reports["notices only"] = notices
	// Two checks with nothing to judge: one beside a finding of its
	// category, one alone in its own.
	unjudged := oneFinding("m", nil)
	unjudged.Rules = append(unjudged.Rules,
		check.Meta{ID: "node-a", Category: unjudged.Findings[0].Category},
		check.Meta{ID: "node-b", Category: check.Repudiation},
		check.Meta{ID: "passes", Category: check.Repudiation})
	unjudged.NotEvaluated = map[check.ID]string{"node-a": "not evaluated: no <node> input", "node-b": "not evaluated: none"}
	reports["not evaluated"] = unjudged
	for name, r := range reports {
		t.Run(name, func(t *testing.T) {
			got := []byte(render(t, "junit", r, Options{}))
			if want := encoderJUnit(t, r); !bytes.Equal(got, want) {
				t.Errorf("JUnit differs from encoding/xml at byte %d:\n%s", firstDiff(got, want), diffContext(got, want))
			}
		})
	}
}

// TestJUnitGroupsApartFindings: findings of one check on one object make one
// testcase even when other findings come between them in report order.
func TestJUnitGroupsApartFindings(t *testing.T) {
	r := oneFinding("first", &Location{File: "a.yaml", Line: 1})
	second := r.Findings[0]
	second.Severity, second.Message = check.Low, "second"
	other := r.Findings[0]
	other.Resource.Name, other.Severity, other.Message = "other", check.Medium, "other"
	r.Findings = append(r.Findings, second, other)
	r.Finalize()
	var doc junitSuites
	if err := xml.Unmarshal([]byte(render(t, "junit", r, Options{})), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range doc.Suites[0].Cases {
		got = append(got, c.Name+": "+c.Failure.Message)
	}
	want := []string{"Deployment payments/ledger: first (and 1 more)", "Deployment payments/other: other"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("testcases (-want +got):\n%s", diff)
	}
}

func FuzzXMLEscape(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want strings.Builder
		_ = xml.EscapeText(&want, []byte(textsafe.Text(s)))
		if got := string(appendXMLEscape(nil, s, false)); got != want.String() {
			t.Errorf("appendXMLEscape(%q, false) = %q, want %q", s, got, want.String())
		}
		if got, want := string(appendXMLEscape(nil, s, true)), encoderXMLText(s); got != want {
			t.Errorf("appendXMLEscape(%q, true) = %q, want %q", s, got, want)
		}
		b := append([]byte("x"), s...)
		if got, want := string(xmlEscapeFrom(b, 1)), "x"+string(appendXMLEscape(nil, s, false)); got != want {
			t.Errorf("xmlEscapeFrom(%q) = %q, want %q", s, got, want)
		}
	})
}
