package vuln

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestVEXMatch(t *testing.T) {
	openvex, err := LoadVEX(filepath.Join("testdata", "openvex.json"))
	if err != nil {
		t.Fatal(err)
	}
	cdx, err := LoadVEX(filepath.Join("testdata", "cyclonedx-vex.json"))
	if err != nil {
		t.Fatal(err)
	}
	openssl := Finding{ID: "CVE-2026-1234", Package: "openssl", Version: "3.0.1"}
	tests := []struct {
		name         string
		vex          *VEX
		digests      []string
		finding      Finding
		want         bool   // a statement speaks of the finding
		notAffecting bool   // and drops it
		field        string // the statement's field
	}{
		{"not_affected for the package", openvex, []string{appDigest}, openssl, true, true, "statements[0]"},
		{"matched by alias", openvex, []string{appDigest}, Finding{ID: "GHSA-q2w3-e4r5-t6y7", Package: "openssl"}, true, true, "statements[0]"},
		{"finding alias matches", openvex, []string{appDigest}, Finding{ID: "DSA-0001", Aliases: []string{"CVE-2026-1234"}, Package: "openssl"}, true, true, "statements[0]"},
		{"another package of the product", openvex, []string{appDigest}, Finding{ID: "CVE-2026-1234", Package: "libssl3"}, false, false, ""},
		{"another image", openvex, []string{otherDigest}, openssl, false, false, ""},
		{"under_investigation does not drop", openvex, []string{appDigest}, Finding{ID: "CVE-2026-2001", Package: "zlib1g"}, true, false, "statements[1]"},
		{"the later statement wins", openvex, []string{appDigest}, Finding{ID: "CVE-2026-5555", Package: "stdlib"}, true, false, "statements[3]"},
		{"statement for another product", openvex, []string{appDigest}, Finding{ID: "CVE-2026-3100", Package: "libc6"}, false, false, ""},
		{"platform digest among several", openvex, []string{otherDigest, appDigest}, openssl, true, true, "statements[0]"},
		{"CycloneDX false_positive", cdx, []string{appDigest}, Finding{ID: "CVE-2026-2001", Package: "zlib1g"}, true, true, "vulnerabilities[0]"},
		{"CycloneDX exploitable", cdx, []string{appDigest}, Finding{ID: "CVE-2026-3100", Package: "libc6"}, true, false, "vulnerabilities[1]"},
		{"CycloneDX another image", cdx, []string{otherDigest}, Finding{ID: "CVE-2026-2001", Package: "zlib1g"}, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := tt.vex.Match(tt.digests, tt.finding)
			if ok != tt.want {
				t.Fatalf("Match = %v (%+v), want %v", ok, s, tt.want)
			}
			if !ok {
				return
			}
			if s.NotAffecting() != tt.notAffecting || s.Field != tt.field {
				t.Errorf("statement %s (%s): not affecting %v, want %s, %v", s.Field, s.Status, s.NotAffecting(), tt.field, tt.notAffecting)
			}
		})
	}
	s, _ := openvex.Match([]string{appDigest}, openssl)
	if got, want := openvex.Describe(s), "openvex.json statements[0] (not_affected: vulnerable_code_not_in_execute_path)"; !strings.HasSuffix(got, want) {
		t.Errorf("Describe = %q, want suffix %q", got, want)
	}
}

func TestParseVEXv001(t *testing.T) {
	doc := `{"@context": "https://openvex.dev/ns", "timestamp": "2023-01-08T18:02:03-06:00", "statements": [
		{"vulnerability": "CVE-2026-1234", "products": ["pkg:oci/app@` + strings.Replace(appDigest, ":", "%3A", 1) + `"], "status": "fixed"}]}`
	v, err := ParseVEX("v.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := v.Match([]string{appDigest}, Finding{ID: "CVE-2026-1234", Package: "openssl"})
	if !ok || !s.NotAffecting() {
		t.Fatalf("Match = %+v, %v; want the fixed statement", s, ok)
	}
}

func TestParseVEXErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"a report", `{"SchemaVersion": 2, "Results": []}`, "v.json: a trivy report is not a VEX document"},
		{"status", `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "status": "fine"}]}`, `v.json: statements[0].status: "fine" is not an OpenVEX status`},
		{"no justification", `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "status": "not_affected"}]}`, "v.json: statements[0]: a not_affected statement needs a justification or an impact_statement"},
		{"no name", `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {}, "status": "fixed"}]}`, "v.json: statements[0].vulnerability.name: missing"},
		{"time", `{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "yesterday", "statements": []}`, `v.json: timestamp: "yesterday" is not an RFC 3339 time`},
		{"CycloneDX state", `{"bomFormat": "CycloneDX", "specVersion": "1.5", "vulnerabilities": [{"id": "CVE-1", "analysis": {"state": "ok"}}]}`, `v.json: vulnerabilities[0].analysis.state: "ok" is not a CycloneDX analysis state`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseVEX("v.json", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
