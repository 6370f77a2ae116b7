package vuln_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/vuln"
)

// The real-trivy* reports were made by Trivy itself (hack/trivy-report.sh)
// from the database and image hack/trivy-db writes. The image's digests are
// fixed by its recipe (hack/trivy-db prints them).
const (
	realManifest = "sha256:b56cae31e6b22d82532c330ad18367d32f92d2bd015b41739ea0ed76942d7d38"
	realConfig   = "sha256:d76ea54b1d79276f67a1e6298edeb07e57d2225e513e3a3edb7080162991ee10"
	realRepo     = "127.0.0.1:5055/kubestride/trivy-fixture"
)

// realFindings are what the database's advisories make of the image's
// packages: curl's advisory hits both binaries of the curl source package,
// openssl's two both of the openssl source package's; CVE-2026-10004 is
// fixed in a version older than the installed one and must not appear.
var realFindings = []vuln.Finding{
	{ID: "CVE-2026-10001", Package: "curl", Version: "7.88.1-10+deb12u5", FixedVersion: "7.88.1-10+deb12u7", Severity: vuln.High},
	{ID: "CVE-2026-10001", Package: "libcurl4", Version: "7.88.1-10+deb12u5", FixedVersion: "7.88.1-10+deb12u7", Severity: vuln.High},
	{ID: "CVE-2026-10002", Package: "libssl3", Version: "3.0.11-1~deb12u2", FixedVersion: "3.0.15-1~deb12u1", Severity: vuln.Critical},
	{ID: "CVE-2026-10002", Package: "openssl", Version: "3.0.11-1~deb12u2", FixedVersion: "3.0.15-1~deb12u1", Severity: vuln.Critical},
	{ID: "CVE-2026-10003", Package: "libssl3", Version: "3.0.11-1~deb12u2", Severity: vuln.Low},
	{ID: "CVE-2026-10003", Package: "openssl", Version: "3.0.11-1~deb12u2", Severity: vuln.Low},
}

func TestRealTrivyReports(t *testing.T) {
	tests := []struct {
		file     string
		format   vuln.Format
		artifact string
		digests  []string
		config   string
		// noFixed: our CycloneDX reader does not read fixed versions.
		noFixed bool
	}{
		{file: "real-trivy.json", format: vuln.Trivy, artifact: "image.tar", config: realConfig},
		{file: "real-trivy.sarif", format: vuln.SARIF, artifact: "image.tar", config: realConfig},
		{file: "real-trivy.cdx.json", format: vuln.CycloneDX, artifact: "image.tar", config: realConfig, noFixed: true},
		{file: "real-trivy-registry.json", format: vuln.Trivy, artifact: realRepo + "@" + realManifest, digests: []string{realManifest}, config: realConfig},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := vuln.LoadReport(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if r.Format != tt.format || r.Artifact != tt.artifact {
				t.Errorf("format, artifact = %q, %q; want %q, %q", r.Format, r.Artifact, tt.format, tt.artifact)
			}
			if !strings.HasPrefix(r.Tool, "Trivy") && r.Format != vuln.CycloneDX {
				t.Errorf("tool = %q, want Trivy", r.Tool)
			}
			if diff := cmp.Diff(tt.digests, r.Digests, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("manifest digests (-want +got):\n%s", diff)
			}
			if r.ConfigDigest != tt.config {
				t.Errorf("config digest = %q, want %q", r.ConfigDigest, tt.config)
			}
			if !r.Names(tt.config) {
				t.Errorf("report does not name the image ID %s", tt.config)
			}
			if r.Names(realManifest) != (len(tt.digests) > 0) {
				t.Errorf("Names(manifest digest) = %v, want %v", r.Names(realManifest), len(tt.digests) > 0)
			}
			if r.Format != vuln.SARIF && r.Created.IsZero() {
				t.Error("report has no creation time")
			}
			want := realFindings
			if tt.noFixed {
				want = nil
				for _, f := range realFindings {
					f.FixedVersion = ""
					want = append(want, f)
				}
			}
			opts := []cmp.Option{
				cmpopts.IgnoreFields(vuln.Finding{}, "Field", "Aliases"),
				cmpopts.SortSlices(func(a, b vuln.Finding) bool { return a.ID+a.Package < b.ID+b.Package }),
			}
			if diff := cmp.Diff(want, r.Findings, opts...); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			for _, f := range r.Findings {
				if f.Field == "" {
					t.Errorf("finding %s in %s has no field", f.ID, f.Package)
				}
			}
		})
	}
}

// TestRealTrivyReportUnderPolicy judges the fixture image with the real
// reports. The policy matches a report to an image by the manifest digest
// or the image ID (config digest): a docker tarball report names only the
// image ID, so it matches when the image's config digest is known (read
// from its manifest) and is a coverage gap otherwise; the registry report
// names the manifest digest too.
func TestRealTrivyReportUnderPolicy(t *testing.T) {
	p, err := policy.Parse("policy.yaml", []byte(`apiVersion: kubestride.io/v1alpha1
kind: ImagePolicy
vulnerabilities:
  maxSeverity: medium
  ignore:
    - id: CVE-2026-10001
      reason: the image never follows redirects
      expires: 2026-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	ref := realRepo + "@" + realManifest
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	vulnFail := []string{
		"CVE-2026-10001 (high) in curl 7.88.1-10+deb12u5",
		"CVE-2026-10001 (high) in libcurl4 7.88.1-10+deb12u5",
		"CVE-2026-10002 (critical) in libssl3 3.0.11-1~deb12u2",
		"CVE-2026-10002 (critical) in openssl 3.0.11-1~deb12u2",
	}
	tests := []struct {
		name, file string
		img        policy.Image
		fails      []string // substrings of the vulnerability reasons, in order
		gap        string
	}{
		{name: "tarball report, image ID known", file: "real-trivy.json", img: policy.Image{Reference: ref, ConfigDigest: realConfig}, fails: vulnFail},
		{name: "tarball report, image ID not known", file: "real-trivy.json", img: policy.Image{Reference: ref},
			gap: "vulnerability report testdata/real-trivy.json is for no image digest, not for image"},
		{name: "registry report, manifest digest", file: "real-trivy-registry.json", img: policy.Image{Reference: ref}, fails: vulnFail},
		{name: "sarif report, image ID known", file: "real-trivy.sarif", img: policy.Image{Reference: ref, ConfigDigest: realConfig}, fails: vulnFail},
		{name: "report for another image", file: "real-trivy-registry.json",
			img: policy.Image{Reference: realRepo + "@sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"},
			gap: "is for " + realManifest + ", not for image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := vuln.LoadReport(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			d := p.Evaluate(tt.img, policy.Signatures{}, r, now)
			if d.Verdict != policy.Fail {
				t.Errorf("verdict = %s, want fail", d.Verdict)
			}
			if tt.gap != "" {
				if len(d.NotEvaluated) != 1 || !strings.Contains(d.NotEvaluated[0].Message, tt.gap) {
					t.Errorf("not evaluated = %v, want one containing %q", d.NotEvaluated, tt.gap)
				}
				return
			}
			if len(d.NotEvaluated) > 0 {
				t.Errorf("not evaluated: %v", d.NotEvaluated)
			}
			var got []string
			for _, reason := range d.Reasons {
				if reason.Rule == "vulnerability" {
					got = append(got, reason.Message)
				}
			}
			if len(got) != len(tt.fails) {
				t.Fatalf("vulnerability reasons = %q, want %d of them", got, len(tt.fails))
			}
			for _, want := range tt.fails {
				found := false
				for _, g := range got {
					found = found || strings.Contains(g, want)
				}
				if !found {
					t.Errorf("no vulnerability reason contains %q in %q", want, got)
				}
			}
			// The expired ignore entry does not hide the curl findings,
			// and says so.
			if !strings.Contains(strings.Join(got, "\n"), "expired on 2026-01-01") {
				t.Errorf("vulnerability reasons do not name the expired ignore entry: %q", got)
			}
			// Low CVE-2026-10003 is under the maximum: no reason names it.
			if strings.Contains(strings.Join(got, "\n"), "CVE-2026-10003") {
				t.Errorf("CVE-2026-10003 (low) failed the gate: %q", got)
			}
		})
	}
}
