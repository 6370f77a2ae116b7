package vuln

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	appDigest    = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	otherDigest  = "sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
	configDigest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
)

func TestParseReportFixtures(t *testing.T) {
	tests := []struct {
		file     string
		format   Format
		tool     string
		artifact string
		created  time.Time
		config   string
		findings []Finding
	}{{
		file: "trivy.json", format: Trivy, tool: "Trivy", artifact: "registry.example.com/payments/app:1.4.2",
		created: time.Date(2026, 7, 20, 9, 15, 2, 481137000, time.UTC), config: configDigest,
		findings: []Finding{
			{ID: "CVE-2026-1234", Package: "openssl", Version: "3.0.1", FixedVersion: "3.0.7", Severity: Critical, Field: "Results[0].Vulnerabilities[0]"},
			{ID: "CVE-2026-2001", Package: "zlib1g", Version: "1:1.2.13.dfsg-1", Severity: High, Field: "Results[0].Vulnerabilities[1]"},
			{ID: "CVE-2026-3100", Package: "libc6", Version: "2.36-9+deb12u4", Severity: Medium, Field: "Results[0].Vulnerabilities[2]"},
			{ID: "CVE-2026-4000", Package: "curl", Version: "7.88.1-10+deb12u5", Severity: Unknown, Field: "Results[0].Vulnerabilities[3]"},
			{ID: "CVE-2026-5555", Package: "stdlib", Version: "v1.22.1", FixedVersion: "1.21.11, 1.22.4", Severity: High, Field: "Results[2].Vulnerabilities[0]"},
		},
	}, {
		file: "grype.json", format: Grype, tool: "Grype 0.87.0", artifact: "registry.example.com/payments/app:1.4.2",
		created: time.Date(2026, 7, 20, 9, 40, 53, 118802000, time.UTC), config: configDigest,
		findings: []Finding{
			{ID: "GHSA-9f8c-2h3m-q4v7", Aliases: []string{"CVE-2026-5555"}, Package: "stdlib", Version: "go1.22.1", FixedVersion: "1.22.4", Severity: High, Field: "matches[0]"},
			{ID: "CVE-2026-1234", Package: "openssl", Version: "3.0.1", FixedVersion: "3.0.7", Severity: Critical, Field: "matches[1]"},
			{ID: "CVE-2005-2541", Package: "tar", Version: "1.34+dfsg-1.2", Severity: Negligible, Field: "matches[2]"},
		},
	}, {
		file: "trivy.sarif", format: SARIF, tool: "Trivy 0.66.0", artifact: "registry.example.com/payments/app:1.4.2",
		config: configDigest,
		findings: []Finding{
			{ID: "CVE-2026-1234", Package: "openssl", Version: "3.0.1", FixedVersion: "3.0.7", Severity: Critical, Field: "runs[0].results[0]"},
			{ID: "CVE-2026-3100", Package: "libc6", Version: "2.36-9+deb12u4", Severity: Medium, Field: "runs[0].results[1]"},
		},
	}, {
		file: "cyclonedx.json", format: CycloneDX, tool: "CycloneDX 1.6", artifact: "registry.example.com/payments/app:1.4.2",
		created: time.Date(2026, 7, 20, 9, 15, 2, 0, time.UTC), config: configDigest,
		findings: []Finding{
			{ID: "CVE-2026-1234", Package: "openssl", Version: "3.0.1", Severity: Critical, Field: "vulnerabilities[0].affects[0]"},
			{ID: "CVE-2026-2001", Package: "zlib1g", Version: "1:1.2.13.dfsg-1", Severity: High, Field: "vulnerabilities[1].affects[0]"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := LoadReport(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if r.Format != tt.format || r.Tool != tt.tool || r.Artifact != tt.artifact {
				t.Errorf("format, tool, artifact = %q, %q, %q; want %q, %q, %q", r.Format, r.Tool, r.Artifact, tt.format, tt.tool, tt.artifact)
			}
			if diff := cmp.Diff([]string{appDigest}, r.Digests); diff != "" {
				t.Errorf("digests (-want +got):\n%s", diff)
			}
			if r.ConfigDigest != tt.config {
				t.Errorf("config digest = %q, want %q", r.ConfigDigest, tt.config)
			}
			if !r.Created.Equal(tt.created) {
				t.Errorf("created = %v, want %v", r.Created, tt.created)
			}
			if diff := cmp.Diff(tt.findings, r.Findings); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if !r.Names(appDigest) || !r.Names(configDigest) || r.Names(otherDigest) || r.Names("") {
				t.Error("Names: the report must name the image and config digests and nothing else")
			}
			if len(r.SHA256) != 64 {
				t.Errorf("SHA256 = %q, want 64 hex digits", r.SHA256)
			}
		})
	}
}

// TestParseReportErrors holds bad input to a clear error that names the
// file and the field.
func TestParseReportErrors(t *testing.T) {
	trivy, err := os.ReadFile(filepath.Join("testdata", "trivy.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data, want string
	}{
		{"not JSON", `SchemaVersion: 2`, "r.json: not a JSON report: invalid JSON at byte 1"},
		{"old Trivy array", `[{"Target": "x"}]`, "r.json: a JSON array is not a known report format (Trivy before 0.20"},
		{"unknown format", `{"vulns": []}`, "r.json: unknown report format"},
		{"OpenVEX as report", `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": []}`, "r.json: an OpenVEX document is not a vulnerability report"},
		{"Trivy schema 1", `{"SchemaVersion": 1, "Results": []}`, "r.json: SchemaVersion: 1 is not supported (want 2)"},
		{"Trivy wrong type", `{"SchemaVersion": 2, "Results": [{"Vulnerabilities": {"a": 1}}]}`, "r.json: Results.Vulnerabilities: a JSON object where a list was expected"},
		{"Trivy severity", strings.Replace(string(trivy), `"Severity": "HIGH"`, `"Severity": "SEVERE"`, 1), `r.json: Results[0].Vulnerabilities[1].Severity: unknown severity "SEVERE"`},
		{"Trivy repo digest", strings.Replace(string(trivy), "app@sha256:9f86", "app@sha256:zz86", 1), `r.json: Metadata.RepoDigests[0]: "registry.example.com/payments/app@sha256:zz86`},
		{"Trivy time", strings.Replace(string(trivy), "2026-07-20T09:15:02.481137Z", "20 July 2026", 1), `r.json: CreatedAt: "20 July 2026" is not an RFC 3339 time`},
		{"Trivy missing ID", `{"SchemaVersion": 2, "Results": [{"Vulnerabilities": [{"PkgName": "x"}]}]}`, "r.json: Results[0].Vulnerabilities[0].VulnerabilityID: missing"},
		{"Grype manifest digest", `{"matches": [], "source": {"type": "image", "target": {"manifestDigest": "sha256:abc"}}}`, `r.json: source.target.manifestDigest: "sha256:abc" is not a digest`},
		{"Grype severity", `{"matches": [{"vulnerability": {"id": "CVE-1", "severity": "Bad"}}], "source": {}}`, `r.json: matches[0].vulnerability.severity: unknown severity "Bad"`},
		{"SARIF version", `{"version": "2.0.0", "$schema": "sarif", "runs": []}`, `r.json: version: "2.0.0" is not supported (want 2.1.0)`},
		{"SARIF score", `{"version": "2.1.0", "runs": [{"tool": {"driver": {"rules": [{"id": "CVE-1", "properties": {"security-severity": "high"}}]}}, "results": [{"ruleId": "CVE-1"}]}]}`, `r.json: runs[0].tool.driver.rules[0].properties.security-severity: "high" is not a score`},
		{"SARIF level", `{"version": "2.1.0", "runs": [{"results": [{"ruleId": "CVE-1", "level": "fatal"}]}]}`, `r.json: runs[0].results[0].level: "fatal" is not a SARIF level`},
		{"CycloneDX version", `{"bomFormat": "CycloneDX", "specVersion": "1.2"}`, `r.json: specVersion: "1.2" is not supported`},
		{"CycloneDX affects", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [{"id": "CVE-1", "affects": [{"ref": "nowhere"}]}]}`, `r.json: vulnerabilities[0].affects[0].ref: "nowhere" is neither a component's bom-ref nor a purl`},
		{"CycloneDX rating", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [{"id": "CVE-1", "ratings": [{"severity": "urgent"}]}]}`, `r.json: vulnerabilities[0].ratings[0].severity: unknown severity "urgent"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseReport("r.json", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSARIFLevelsAndScores(t *testing.T) {
	tests := []struct {
		name, result string
		want         Severity
	}{
		{"result score wins", `{"ruleId": "R", "level": "note", "properties": {"security-severity": 9.1}}`, Critical},
		{"rule score", `{"ruleId": "R"}`, High},
		{"level error", `{"ruleId": "X", "level": "error"}`, High},
		{"level note", `{"ruleId": "X", "level": "note"}`, Low},
		{"default level", `{"ruleId": "X"}`, Medium},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t", "rules": [{"id": "R", "properties": {"security-severity": "7.5"}}]}}, "results": [` + tt.result + `]}]}`
			r, err := ParseReport("r.sarif", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Findings) != 1 || r.Findings[0].Severity != tt.want {
				t.Fatalf("findings = %+v, want one of severity %v", r.Findings, tt.want)
			}
		})
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{
		"CRITICAL": Critical, "High": High, "medium": Medium, "LOW": Low, "Negligible": Negligible,
		"info": Negligible, "none": Negligible, "UNKNOWN": Unknown, "": Unknown,
	} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for score, want := range map[float64]Severity{10: Critical, 9.0: Critical, 8.9: High, 7.0: High, 6.9: Medium, 4.0: Medium, 3.9: Low, 0.1: Low, 0: Negligible} {
		if got := FromScore(score); got != want {
			t.Errorf("FromScore(%v) = %v, want %v", score, got, want)
		}
	}
}
