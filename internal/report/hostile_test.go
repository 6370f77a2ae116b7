package report

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/textsafe"
)

// Values a hostile manifest can put in a report: a kind that sets the
// terminal's title, a name that clears the screen and carries markup, a
// namespace that reverses the text after it, a file name with a line
// separator, and C1, DEL and bidi isolates in messages.
const (
	hostileKind      = "\x1b]0;pwned\x07"
	hostileName      = "web\x1b[2J|x`y`<img src=x onerror=alert(1)>\nnext"
	hostileNamespace = "\u202eevil"
	hostileFile      = "deploy/x\u2028y\u2029.yaml"
	hostileMessage   = "container \"a\u009b31m\" must not\x7f set \u2066hidden\u2069 <script>document.title='pwned'</script>\r\n| b |"
	hostileReason    = "approved \u200f by **ops** \x1b[8m"
	hostileError     = "yaml: line 3: did not find expected key \"\x1b[1;1H\x1b[2J\""
	hostileNotice    = "annotation kubestride.io/ignore.x on Pod \"\x1b]8;;http://evil\x07link\" has no reason"
	// A live scan's coverage gap and Pod Security readiness reach the
	// human-readable formats too.
	hostileGapResource = "roles\x1b[31m|<i>x</i>"
	hostileGapMessage  = "forbidden: \u202eUser | \"<b>eve</b>\"\x1b[8m"
	hostileReadyNS     = "ns\u202e|<b>n</b>\nx"
)

// hostileReport is a finalized report holding every hostile value in every
// place a value from the input reaches: a live finding, a suppressed one, an
// error, a notice, a coverage gap and a namespace's Pod Security readiness.
func hostileReport() *Report {
	res := Resource{APIVersion: "v1", Kind: hostileKind, Namespace: hostileNamespace, Name: hostileName}
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "v0.4.0"},
		Rules:         []check.Meta{rulePrivileged},
		Findings: []Finding{
			{
				ID: rulePrivileged.ID, Category: rulePrivileged.Category, Severity: check.Critical, Title: rulePrivileged.Title,
				Message: hostileMessage, Resource: res, Location: &Location{File: hostileFile, Line: 4},
				Field: "spec.containers[0].securityContext.privileged", Remediation: rulePrivileged.Remediation,
			},
			{
				ID: rulePrivileged.ID, Category: rulePrivileged.Category, Severity: check.Critical, Title: rulePrivileged.Title,
				Message: hostileMessage, Resource: Resource{APIVersion: "v1", Kind: hostileKind, Name: "other"},
				Location: &Location{File: hostileFile, Line: 9}, Field: "spec", Remediation: rulePrivileged.Remediation,
				Suppressed: &Suppression{Kind: "annotation", Reason: hostileReason},
			},
		},
		Errors:  []Error{{File: hostileFile, Line: 3, Message: hostileError}},
		Notices: []Notice{{File: hostileFile, Line: 7, Message: hostileNotice}},
		Coverage: &Coverage{Gaps: []object.Gap{
			{Resource: hostileGapResource, Namespace: hostileNamespace, Reason: "forbidden", Message: hostileGapMessage, Partial: true},
		}},
		Readiness: []NamespaceReadiness{{Namespace: hostileReadyNS, Enforce: hostileReason, Version: "v1.37", Pods: 2}},
	}
	r.Finalize()
	return r
}

// sgr matches the colour sequences the table writes itself.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// rawControls lists the characters of out that textsafe shows rather than
// emits; line feeds and tabs, which renderers write themselves, excepted.
func rawControls(out string) []string {
	var bad []string
	for _, r := range out {
		if textsafe.Unsafe(r) && r != '\n' && r != '\t' {
			bad = append(bad, textsafe.Line(string(r)))
		}
	}
	return bad
}

// TestHostileInputInEveryFormat renders the hostile report in every format:
// none holds a raw control character or bidi control, and each shows the
// values in its own way.
func TestHostileInputInEveryFormat(t *testing.T) {
	formats := Formats()
	if len(formats) != 7 {
		t.Fatalf("formats = %v: add the new one to this test", formats)
	}
	for _, format := range formats {
		for _, color := range []bool{false, true} {
			out := render(t, format, hostileReport(), Options{Color: color})
			check := out
			if format == "table" && color {
				check = sgr.ReplaceAllString(out, "")
			}
			if bad := rawControls(check); len(bad) > 0 {
				t.Errorf("%s (color %v) emits raw controls %q:\n%s", format, color, bad, out)
			}
		}
	}
}

func TestHostileInputTable(t *testing.T) {
	out := render(t, "table", hostileReport(), Options{})
	for _, want := range []string{
		`\x1b]0;pwned\x07 \u202eevil/web\x1b[2J|x` + "`y`" + `<img src=x onerror=alert(1)>\nnext`,
		`deploy/x\u2028y\u2029.yaml:4`,
		`container "a\u009b31m" must not\x7f set \u2066hidden\u2069`,
		`approved \u200f by **ops** \x1b[8m`,
		`deploy/x\u2028y\u2029.yaml:3: yaml: line 3: did not find expected key "\x1b[1;1H\x1b[2J"`,
		`\x1b]8;;http://evil\x07link`,
		`roles\x1b[31m|<i>x</i> in \u202eevil: forbidden (partly read): forbidden: \u202eUser | "<b>eve</b>"\x1b[8m`,
		`ns\u202e|<b>n</b>\nx: 0 of 2 pods rejected at baseline, 0 at restricted (v1.37; enforce approved \u200f by **ops** \x1b[8m)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table does not show %q:\n%s", want, out)
		}
	}
}

func TestHostileInputMarkdown(t *testing.T) {
	out := render(t, "markdown", hostileReport(), Options{})
	for _, bad := range []string{"<img", "<script", "<i>", "<b>", "`y`", "**ops**"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown holds raw %q:\n%s", bad, out)
		}
	}
	// Every table row has as many cells as its header.
	var header int
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = 0
			continue
		}
		if cells := unescapedPipes(line); header == 0 {
			header = cells
		} else if cells != header {
			t.Errorf("row has %d cell separators, its header %d: %s", cells, header, line)
		}
	}
	for _, want := range []string{
		`\\x1b\]0;pwned\\x07 \\u202eevil/web\\x1b\[2J\|x` + "\\`y\\`" + `&lt;img src=x onerror=alert(1)&gt;<br>next`,
		`\\u2066hidden\\u2069 &lt;script&gt;`,
		`\\x0d<br>\| b \|`,
		`| roles\\x1b\[31m\|&lt;i&gt;x&lt;/i&gt; | \\u202eevil | forbidden (partly read) | forbidden: \\u202eUser \| "&lt;b&gt;eve&lt;/b&gt;"\\x1b\[8m |`,
		`| ns\\u202e\|&lt;b&gt;n&lt;/b&gt;<br>x | approved \\u200f by \*\*ops\*\* \\x1b\[8m | 2 | 0 | 0 | v1.37 |`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown does not show %q:\n%s", want, out)
		}
	}
}

func TestHostileInputHTML(t *testing.T) {
	out := withoutPageScript(t, render(t, "html", hostileReport(), Options{}))
	for _, bad := range []string{"<img", "<script", "<i>", "<b>"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML holds raw %q", bad)
		}
	}
	for _, want := range []string{
		`\x1b]0;pwned\x07 \u202eevil/web\x1b[2J|x` + "`y`" + `&lt;img src=x onerror=alert(1)&gt;\nnext`,
		`\u2066hidden\u2069 &lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;\x0d`,
		`<code>roles\x1b[31m|&lt;i&gt;x&lt;/i&gt;</code></td><td>\u202eevil</td><td>forbidden (partly read)</td><td class="msg">forbidden: \u202eUser | &#34;&lt;b&gt;eve&lt;/b&gt;&#34;\x1b[8m</td>`,
		`<td>ns\u202e|&lt;b&gt;n&lt;/b&gt;\nx</td><td>approved \u200f by **ops** \x1b[8m</td>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML does not show %q:\n%s", want, out)
		}
	}
}

func TestHostileInputJUnit(t *testing.T) {
	out := render(t, "junit", hostileReport(), Options{})
	d := xml.NewDecoder(strings.NewReader(out))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("JUnit output is not well-formed XML: %v\n%s", err, out)
		}
	}
	var doc junitSuites
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var names, messages []string
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			names = append(names, c.Name)
			for _, p := range []*junitProblem{c.Failure, c.Error} {
				if p != nil {
					messages = append(messages, p.Message)
				}
			}
		}
	}
	if want := textsafe.Text(hostileKind + " " + hostileNamespace + "/" + hostileName); !contains(names, want) {
		t.Errorf("testcase names = %q, want one %q", names, want)
	}
	for _, want := range []string{textsafe.Text(hostileMessage), textsafe.Text(hostileError)} {
		if !contains(messages, want) {
			t.Errorf("messages = %q, want one %q", messages, want)
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestHostileInputJSONAndSARIF: JSON escaping keeps control characters out of
// the bytes and every value exactly as it was in the input.
func TestHostileInputJSONAndSARIF(t *testing.T) {
	r := hostileReport()
	var got Report
	if err := json.Unmarshal([]byte(render(t, "json", r, Options{})), &got); err != nil {
		t.Fatal(err)
	}
	var f Finding
	for _, g := range got.Findings {
		if g.Suppressed == nil {
			f = g
		}
	}
	if f.Resource.Kind != hostileKind || f.Resource.Name != hostileName || f.Resource.Namespace != hostileNamespace ||
		f.Location.File != hostileFile || f.Message != hostileMessage {
		t.Errorf("JSON finding = %+v, want the hostile values exactly", f)
	}
	if got.Errors[0].Message != hostileError || got.Notices[0].Message != hostileNotice {
		t.Errorf("JSON errors %+v notices %+v, want the hostile values exactly", got.Errors, got.Notices)
	}
	var sarif struct {
		Runs []struct {
			Results []struct {
				Message struct{ Text string } `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(render(t, "sarif", r, Options{})), &sarif); err != nil {
		t.Fatal(err)
	}
	if m := sarif.Runs[0].Results[0].Message.Text; !strings.Contains(m, hostileMessage) {
		t.Errorf("SARIF message = %q, want it to hold %q", m, hostileMessage)
	}
}
