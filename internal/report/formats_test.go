package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
)

func render(t *testing.T, format string, r *Report, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, format, r, opts); err != nil {
		t.Fatalf("Render(%s): %v", format, err)
	}
	return buf.String()
}

// oneFinding is a finalized report with a single finding carrying message.
func oneFinding(message string, loc *Location) *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "v0.4.0"},
		Rules:         []check.Meta{rulePrivileged},
		Findings: []Finding{{
			ID: rulePrivileged.ID, Category: rulePrivileged.Category, Severity: check.Critical, Title: rulePrivileged.Title,
			Message: message, Resource: ledger, Location: loc,
			Field: "spec.template.spec.containers[0].securityContext.privileged", Remediation: rulePrivileged.Remediation,
		}},
	}
	r.Finalize()
	return r
}

func TestTableColor(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			if out := render(t, "table", c.report(), Options{}); strings.Contains(out, "\x1b") {
				t.Errorf("table without colour contains an escape sequence:\n%q", out)
			}
		})
	}
	out := render(t, "table", fullReport(), Options{Color: true})
	for _, want := range []string{
		ansiBoldRed + "CRITICAL" + ansiReset,
		ansiRed + "HIGH" + ansiReset,
		ansiYellow + "MEDIUM" + ansiReset,
		ansiCyan + "LOW" + ansiReset,
		ansiDim + "INFO" + ansiReset,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("coloured table lacks %q", want)
		}
	}
}

// TestTableNeutralizesTerminalControls: text from a manifest cannot send
// escape sequences or reorder text on the user's terminal.
func TestTableNeutralizesTerminalControls(t *testing.T) {
	msg := "container \"a\x1b[2J\" must not \x07set\rprivileged \u202eevil\u202c\u009b31m \xff"
	for _, color := range []bool{false, true} {
		out := render(t, "table", oneFinding(msg, &Location{File: "x\x1b]0;title\x07.yaml", Line: 3}), Options{Color: color})
		for _, bad := range []string{"\x1b[2J", "\x1b]", "\x07", "\r", "\u202e", "\u202c", "\u009b", "\xff"} {
			if strings.Contains(out, bad) {
				t.Errorf("color=%v: table contains %q:\n%q", color, bad, out)
			}
		}
		if !strings.Contains(out, `container "a\x1b[2J" must not \x07set\x0dprivileged \u202eevil\u202c\u009b31m `+"\uFFFD") {
			t.Errorf("color=%v: escaped message missing:\n%s", color, out)
		}
	}
}

func TestTableNoFindings(t *testing.T) {
	r := &Report{SchemaVersion: SchemaVersion, Errors: []Error{{File: "a.yaml", Message: "bad"}}}
	r.Finalize()
	out := render(t, "table", r, Options{})
	if !strings.HasPrefix(out, "No findings in the input that could be read.\n") {
		t.Errorf("table with only errors starts:\n%s", out)
	}
	if !strings.Contains(out, "ERRORS: 1 input could not be read or evaluated") {
		t.Errorf("table does not show the error prominently:\n%s", out)
	}
}

func TestPascalCase(t *testing.T) {
	tests := []struct{ title, id, want string }{
		{"Privileged container", "pss-privileged", "PrivilegedContainer"},
		{"Image not pinned by digest or on `latest`", "image-latest", "ImageNotPinnedByDigestOrOnLatest"},
		{"Writable hostPath volume", "x", "WritableHostPathVolume"},
		{"CPU/memory limits missing", "x", "CPUMemoryLimitsMissing"},
		{"", "rbac-wildcard-verbs", "RbacWildcardVerbs"},
		{"  ", "pss-host-namespaces", "PssHostNamespaces"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := pascalCase(tc.title, tc.id); got != tc.want {
				t.Errorf("pascalCase(%q, %q) = %q, want %q", tc.title, tc.id, got, tc.want)
			}
		})
	}
}

func TestFileURI(t *testing.T) {
	tests := []struct{ file, want string }{
		{"deploy/app.yaml", "deploy/app.yaml"},
		{"./deploy/app.yaml", "deploy/app.yaml"},
		{"deploy//nested/../app.yaml", "deploy/app.yaml"},
		{"../shared/app.yaml", "../shared/app.yaml"},
		{"deploy/web app/pod #1.yaml", "deploy/web%20app/pod%20%231.yaml"},
		{"deploy/50%.yaml", "deploy/50%25.yaml"},
		{"a:b.yaml", "./a:b.yaml"},
		{"/etc/kubernetes/manifests/kube-apiserver.yaml", "file:///etc/kubernetes/manifests/kube-apiserver.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			if got := fileURI(tc.file); got != tc.want {
				t.Errorf("fileURI(%q) = %q, want %q", tc.file, got, tc.want)
			}
		})
	}
}

func TestSARIFSeverityMapping(t *testing.T) {
	tests := []struct {
		sev          check.Severity
		level, score string
	}{
		{check.Critical, "error", "9.5"},
		{check.High, "error", "8.0"},
		{check.Medium, "warning", "5.5"},
		{check.Low, "note", "3.0"},
		{check.Info, "note", "1.0"},
	}
	for _, tc := range tests {
		t.Run(tc.sev.String(), func(t *testing.T) {
			if got := sarifLevel(tc.sev); got != tc.level {
				t.Errorf("sarifLevel(%s) = %q, want %q", tc.sev, got, tc.level)
			}
			if got := securitySeverity(tc.sev); got != tc.score {
				t.Errorf("securitySeverity(%s) = %q, want %q", tc.sev, got, tc.score)
			}
		})
	}
}

func decodeSARIF(t *testing.T, r *Report) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal([]byte(render(t, "sarif", r, Options{})), &log); err != nil {
		t.Fatal(err)
	}
	return log
}

func TestSARIFLocations(t *testing.T) {
	tests := []struct {
		name string
		loc  *Location
		want sarifLocation
	}{
		{"file and line", &Location{File: "./deploy/app.yaml", Line: 7}, sarifLocation{PhysicalLocation: &sarifPhysicalLocation{
			ArtifactLocation: sarifArtifactLocation{URI: "deploy/app.yaml"}, Region: &sarifRegion{StartLine: 7}}}},
		{"file without line", &Location{File: "deploy/app.yaml"}, sarifLocation{PhysicalLocation: &sarifPhysicalLocation{
			ArtifactLocation: sarifArtifactLocation{URI: "deploy/app.yaml"}}}},
		{"no file", nil, sarifLocation{LogicalLocations: []sarifLogicalLocation{{
			Name: "ledger", FullyQualifiedName: "Deployment payments/ledger", Kind: "resource"}}}},
		{"stdin", &Location{File: object.StdinName, Line: 3}, sarifLocation{LogicalLocations: []sarifLogicalLocation{{
			Name: "ledger", FullyQualifiedName: "Deployment payments/ledger", Kind: "resource"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			log := decodeSARIF(t, oneFinding("m", tc.loc))
			got := log.Runs[0].Results[0].Locations
			if diff := cmp.Diff([]sarifLocation{tc.want}, got); diff != "" {
				t.Errorf("locations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSARIFFingerprintIgnoresLineAndMessage(t *testing.T) {
	a := decodeSARIF(t, oneFinding("one", &Location{File: "a.yaml", Line: 3})).Runs[0].Results[0].PartialFingerprints
	b := decodeSARIF(t, oneFinding("two", &Location{File: "a.yaml", Line: 30})).Runs[0].Results[0].PartialFingerprints
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("fingerprint changed with line and message (-first +second):\n%s", diff)
	}
	other := oneFinding("one", &Location{File: "a.yaml", Line: 3})
	other.Findings[0].Field = "spec.template.spec.initContainers[0].securityContext.privileged"
	c := decodeSARIF(t, other).Runs[0].Results[0].PartialFingerprints
	if cmp.Equal(a, c) {
		t.Errorf("findings on different fields share fingerprint %v", a)
	}
}

func TestSARIFRuleSeverityFollowsFindings(t *testing.T) {
	r := oneFinding("m", nil)
	r.Findings[0].Severity = check.Low // configured below the check's default
	r.Finalize()
	rule := decodeSARIF(t, r).Runs[0].Tool.Driver.Rules[0]
	if rule.Properties.SecuritySeverity != "3.0" || rule.DefaultConfiguration.Level != "note" {
		t.Errorf("rule = %+v, want the effective severity low (3.0, note)", rule)
	}
	clean := &Report{Rules: []check.Meta{rulePrivileged}}
	clean.Finalize()
	rule = decodeSARIF(t, clean).Runs[0].Tool.Driver.Rules[0]
	if rule.Properties.SecuritySeverity != "9.5" {
		t.Errorf("rule without findings has security-severity %q, want the default 9.5", rule.Properties.SecuritySeverity)
	}
}

func TestSARIFSuppressions(t *testing.T) {
	log := decodeSARIF(t, fullReport())
	var got []sarifSuppression
	for _, res := range log.Runs[0].Results {
		got = append(got, res.Suppressions...)
	}
	want := []sarifSuppression{
		{Kind: "external", Status: "accepted", Justification: "node agent reads host metrics", Properties: map[string]string{"expires": "2027-03-31"}},
		{Kind: "inSource", Status: "accepted", Justification: "the migration image needs root until <ticket #42> | \"fixed\""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
	if n := len(log.Runs[0].Results); n != len(fullReport().Findings) {
		t.Errorf("%d results, want one per finding (%d), suppressed ones included", n, len(fullReport().Findings))
	}
}

// TestJUnitWellFormed parses the JUnit output back and checks that text
// survives the round trip, with a control character (which XML cannot hold)
// shown as its escape.
func TestJUnitWellFormed(t *testing.T) {
	msg := "must not <b>x</b> & \"y\" ]]> \x01 end\nline two"
	out := render(t, "junit", oneFinding(msg, &Location{File: "a.yaml", Line: 1}), Options{})
	d := xml.NewDecoder(strings.NewReader(out))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("JUnit output is not well-formed XML: %v\n%s", err, out)
		}
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	f := doc.Suites[0].Cases[0].Failure
	wantMsg := strings.ReplaceAll(msg, "\x01", `\x01`)
	if f == nil || f.Message != wantMsg {
		t.Fatalf("failure = %+v, want message %q", f, wantMsg)
	}
	if !strings.Contains(f.Text, wantMsg) || !strings.Contains(f.Text, "remediation: "+rulePrivileged.Remediation) {
		t.Errorf("failure text = %q", f.Text)
	}
}

func TestJUnitCounts(t *testing.T) {
	var doc junitSuites
	if err := xml.Unmarshal([]byte(render(t, "junit", fullReport(), Options{})), &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range doc.Suites {
		names = append(names, s.Name)
	}
	wantNames := []string{"Spoofing", "Tampering", "Repudiation", "InformationDisclosure", "DenialOfService", "ElevationOfPrivilege", "kubestride"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("testsuites (-want +got):\n%s", diff)
	}
	// 7 live findings on 7 (check, resource) pairs, 2 suppressed, 1 check
	// not evaluated, 3 errors.
	if doc.Tests != 13 || doc.Failures != 7 || doc.Skipped != 3 || doc.Errors != 3 {
		t.Errorf("totals tests=%d failures=%d skipped=%d errors=%d, want 13, 7, 3, 3", doc.Tests, doc.Failures, doc.Skipped, doc.Errors)
	}
}

// TestMarkdownCellsStayInTheirColumns: a message with pipes and newlines
// must not add cells or end the table.
func TestMarkdownCellsStayInTheirColumns(t *testing.T) {
	out := render(t, "markdown", fullReport(), Options{})
	var header int
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = 0
			continue
		}
		cells := unescapedPipes(line)
		if header == 0 {
			header = cells
			continue
		}
		if cells != header {
			t.Errorf("row has %d cell separators, its header %d: %s", cells, header, line)
		}
	}
	if strings.Contains(out, "<script>") {
		t.Error("markdown contains a raw <script> tag")
	}
}

func unescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

// withoutPageScript returns the page out without its one script, the
// filters, and fails when the page holds another script or not that one.
func withoutPageScript(t *testing.T, out string) string {
	t.Helper()
	own := "<script>" + htmlScript + "</script>"
	if n := strings.Count(strings.ToLower(out), "<script"); n != 1 || !strings.Contains(out, own) {
		t.Errorf("the page holds %d scripts; want only its own", n)
	}
	return strings.Replace(out, own, "", 1)
}

func TestHTMLIsInertAndSelfContained(t *testing.T) {
	out := withoutPageScript(t, render(t, "html", fullReport(), Options{}))
	// The script runs by its hash alone.
	if !strings.Contains(out, "script-src &#39;sha256-") || strings.Contains(out, "script-src &#39;unsafe-inline") {
		t.Error("the Content-Security-Policy does not allow the page's script by its hash alone")
	}
	for _, bad := range []string{"<script", "<link", "<img", "src=", "href=", "@import", "url("} {
		if strings.Contains(strings.ToLower(out), bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") {
		t.Error("HTML does not show the escaped <script> text")
	}
}

// TestUnknownCategoryIsNotLost: a finding whose category is outside STRIDE
// (no valid check has one) is still shown, after the STRIDE categories.
func TestUnknownCategoryIsNotLost(t *testing.T) {
	r := oneFinding("m", nil)
	r.Findings = append(r.Findings, Finding{ID: "custom", Category: "Custom", Severity: check.Critical, Message: "custom finding"})
	r.Finalize()
	got, _ := liveCategories(r)
	if diff := cmp.Diff([]check.Category{check.ElevationOfPrivilege, "Custom"}, got); diff != "" {
		t.Errorf("categories (-want +got):\n%s", diff)
	}
	for _, f := range goldenFormats {
		if out := render(t, f.format, r, f.opts); !strings.Contains(out, "custom finding") {
			t.Errorf("%s output lacks the finding of an unknown category", f.name)
		}
	}
}
