package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// The SARIF log as encoding/json types. The renderer writes it by hand; the
// tests decode its output into these types and hold it to what
// encoding/json writes for them.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           *int               `json:"ruleIndex,omitempty"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Properties          sarifResultProps   `json:"properties"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifResultProps struct {
	Category check.Category `json:"category"`
	Severity check.Severity `json:"severity"`
	Resource Resource       `json:"resource"`
	Field    string         `json:"field,omitempty"`
	PSS      *check.PSS     `json:"pss,omitempty"`
}

type sarifSuppression struct {
	Kind          string            `json:"kind"`
	Status        string            `json:"status"`
	Justification string            `json:"justification"`
	Properties    map[string]string `json:"properties,omitempty"`
}

// encoderSARIF is what encoding/json writes for the SARIF log of r, built as
// a whole in memory.
func encoderSARIF(t *testing.T, r *Report) []byte {
	t.Helper()
	effective, err := ruleSeverities(r)
	if err != nil {
		t.Fatal(err)
	}
	ruleIndex := map[check.ID]int{}
	for i, m := range r.Rules {
		ruleIndex[m.ID] = i
	}
	results := make([]sarifResult, 0, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		sum := sha256.New()
		for _, s := range []string{string(f.ID), f.Resource.Kind, f.Resource.Namespace, f.Resource.Name, f.Field} {
			sum.Write([]byte(s))
			sum.Write([]byte{0})
		}
		res := sarifResult{
			RuleID:              string(f.ID),
			Level:               sarifLevel(f.Severity),
			Message:             sarifText{Text: f.Message},
			PartialFingerprints: map[string]string{sarifFingerprintKey: hex.EncodeToString(sum.Sum(nil))[:32]},
			Properties: sarifResultProps{
				Category: f.Category, Severity: f.Severity, Resource: f.Resource, Field: f.Field, PSS: f.PSS,
			},
		}
		var locs []sarifLocation
		if f.Location != nil {
			locs = fileLocations(f.Location.File, f.Location.Line)
		}
		if len(locs) == 0 {
			locs = []sarifLocation{{LogicalLocations: []sarifLogicalLocation{{
				Name: f.Resource.Name, FullyQualifiedName: resourceString(f.Resource), Kind: "resource",
			}}}}
		}
		res.Locations = locs
		for _, rl := range f.Related {
			if l := fileLocations(rl.File, rl.Line); len(l) > 0 {
				l[0].Message = &sarifText{Text: rl.Field}
				res.RelatedLocations = append(res.RelatedLocations, l[0])
			}
		}
		if idx, ok := ruleIndex[f.ID]; ok {
			res.RuleIndex = &idx
		}
		if s := f.Suppressed; s != nil {
			sup := sarifSuppression{Kind: "external", Status: "accepted", Justification: s.Reason}
			if s.Kind == "annotation" {
				sup.Kind = "inSource"
			}
			if s.Expires != "" {
				sup.Properties = map[string]string{"expires": s.Expires}
			}
			res.Suppressions = []sarifSuppression{sup}
		}
		results = append(results, res)
	}
	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: toolName(r.Tool), Version: r.Tool.Version, InformationURI: sarifInformationURI,
				Rules: sarifRules(r, effective),
			}},
			Invocations: []sarifInvocation{sarifInvocationOf(r)},
			Results:     results,
		}},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		t.Fatal(err)
	}
	return escapeJSONControls(buf.Bytes())
}

// testReports are reports with every kind of content, for tests that compare
// a renderer with a reference.
func testReports() map[string]*Report {
	reports := map[string]*Report{
		"full":       fullReport(),
		"empty":      emptyReport(),
		"one":        oneFinding("m", nil),
		"no rules":   func() *Report { r := &Report{}; r.Finalize(); return r }(),
		"synthetic":  syntheticReport(2000, 1, false),
		"one tricky": syntheticReport(1, 3, true),
		"related":    relatedReport(),
	}
	for seed := range uint64(4) {
		reports[fmt.Sprintf("tricky %d", seed)] = syntheticReport(1500, seed, true)
	}
	return reports
}

// TestSARIFMatchesEncoder: the SARIF writer writes the bytes encoding/json
// writes for the whole log.
func TestSARIFMatchesEncoder(t *testing.T) {
	for name, r := range testReports() {
		t.Run(name, func(t *testing.T) {
			got := []byte(render(t, "sarif", r, Options{}))
			if want := encoderSARIF(t, r); !bytes.Equal(got, want) {
				t.Errorf("SARIF differs from encoding/json at byte %d:\n%s", firstDiff(got, want), diffContext(got, want))
			}
		})
	}
}

func TestSARIFRejectsUnsetSeverity(t *testing.T) {
	r := oneFinding("m", nil)
	r.Findings[0].Severity = 0
	var buf bytes.Buffer
	if err := Render(&buf, "sarif", r, Options{}); err == nil {
		t.Fatal("Render succeeded with a finding without severity")
	}
	if buf.Len() > 0 {
		t.Errorf("Render wrote %d bytes before failing", buf.Len())
	}
}

// firstDiff is the offset of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// diffContext shows a and b around their first difference.
func diffContext(got, want []byte) string {
	i := firstDiff(got, want)
	lo := max(0, i-200)
	return fmt.Sprintf(" got: %q\nwant: %q", got[lo:min(len(got), i+200)], want[lo:min(len(want), i+200)])
}

// relatedReport holds a finding with related locations of every form: with
// and without a line, on standard input, and without a file.
func relatedReport() *Report {
	r := oneFinding("m", nil)
	f := &r.Findings[0]
	f.Location = &Location{File: "deploy/ledger.yaml", Line: 27}
	f.Related = []RelatedLocation{
		{File: "deploy/ledger.yaml", Line: 41, Field: "spec.template.spec.containers[1].securityContext.privileged"},
		{File: "<stdin>", Line: 3, Field: "spec.containers[2]"},
		{Field: "spec.containers[3]"},
		{File: "./deploy/ledger.yaml", Field: "spec.template.spec.ephemeralContainers[0]"},
	}
	return r
}
