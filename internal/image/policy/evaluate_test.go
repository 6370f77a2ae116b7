package policy

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/image/vuln"
)

const (
	appDigest   = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	otherDigest = "sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
	app         = "registry.example.com/payments/app@" + appDigest
)

var now = time.Date(2026, 7, 21, 8, 0, 0, 0, time.UTC)

func load(t *testing.T) (*Policy, *vuln.Report) {
	t.Helper()
	p, err := Load(filepath.Join("testdata", "policy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := vuln.LoadReport(filepath.Join("..", "vuln", "testdata", "trivy.json"))
	if err != nil {
		t.Fatal(err)
	}
	return p, r
}

// reasons returns the messages of rs.
func messages(rs []Reason) []string {
	var m []string
	for _, r := range rs {
		m = append(m, r.Rule+": "+r.Message)
	}
	return m
}

func TestEvaluate(t *testing.T) {
	p, report := load(t)
	keyID := p.Signatures[0].Keys[0].ID
	signed := Signatures{Checked: true, Results: []SignatureResult{{Verified: true, Key: keyID}}}
	base := Base{Name: "registry.example.com/base/debian:12", Digest: otherDigest}
	good := Image{Reference: "registry.example.com/payments/app:1.4.2@" + appDigest, Base: base}

	// The findings of the Trivy report under the test policy (maximum
	// medium): CVE-2026-1234 is dropped by VEX, CVE-2026-5555 ignored,
	// CVE-2026-2001's ignore entry has expired, CVE-2026-4000 has no
	// severity.
	vulnReasons := []string{
		`vulnerability: image "` + app + `" has CVE-2026-2001 (high) in zlib1g 1:1.2.13.dfsg-1, above the maximum medium; the ignore entry at testdata/policy.yaml:29 expired on 2026-07-01`,
		`vulnerability: image "` + app + `" has CVE-2026-4000 (unknown severity, counted as critical) in curl 7.88.1-10+deb12u5, above the maximum medium`,
	}
	suppressed := []string{
		`vulnerability: CVE-2026-1234 (critical) in openssl 3.0.1 of image "` + app + `" does not affect it: testdata/app.openvex.json statements[0] (not_affected: vulnerable_code_not_in_execute_path)`,
		`vulnerability: CVE-2026-5555 (high) in stdlib v1.22.1 of image "` + app + `" is ignored by the entry at testdata/policy.yaml:25 (expires 2026-09-01): the binary uses no affected net/http code; PAY-77`,
	}
	expiredWarning := `ignore: ignore entry for CVE-2026-2001 at testdata/policy.yaml:29 expired on 2026-07-01 and no longer applies`

	tests := []struct {
		name         string
		img          Image
		sigs         Signatures
		report       *vuln.Report
		now          time.Time
		edit         func(*Policy)
		reasons      []string
		notEvaluated []string
		suppressed   []string
		warnings     []string
	}{{
		name: "the report's findings", img: good, sigs: signed, report: report,
		reasons: vulnReasons, suppressed: suppressed, warnings: []string{expiredWarning},
	}, {
		name: "passes when the remaining findings are accepted", img: good, sigs: signed, report: report,
		edit: func(p *Policy) {
			p.Vulnerabilities.MaxSeverity = vuln.High
			p.Vulnerabilities.UnknownSeverityAs = vuln.Low
		},
		suppressed: suppressed[:1], warnings: []string{expiredWarning},
	}, {
		name: "expired ignore entry no longer applies", img: good, sigs: signed, report: report,
		now:  time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		edit: func(p *Policy) { p.Vulnerabilities.MaxReportAge = 0 },
		reasons: []string{
			vulnReasons[0],
			vulnReasons[1],
			`vulnerability: image "` + app + `" has CVE-2026-5555 (high) in stdlib v1.22.1, above the maximum medium (fixed in 1.21.11, 1.22.4); the ignore entry at testdata/policy.yaml:25 expired on 2026-09-01`,
		},
		suppressed: suppressed[:1],
		warnings: []string{
			`ignore: ignore entry for CVE-2026-5555 at testdata/policy.yaml:25 expired on 2026-09-01 and no longer applies`,
			expiredWarning,
		},
	}, {
		name: "no report", img: good, sigs: signed,
		notEvaluated: []string{`report: no vulnerability report was given for image "` + app + `"`},
		warnings:     []string{expiredWarning},
	}, {
		name: "report for another digest is refused", img: Image{Reference: "registry.example.com/payments/app@" + otherDigest, Base: base}, sigs: signed, report: report,
		notEvaluated: []string{`report: vulnerability report ../vuln/testdata/trivy.json is for ` + appDigest + `, not for image "registry.example.com/payments/app@` + otherDigest + `"`},
		warnings:     []string{expiredWarning},
	}, {
		name: "report older than the maximum age", img: good, sigs: signed, report: report,
		now:          time.Date(2026, 7, 23, 9, 15, 2, 0, time.UTC),
		notEvaluated: []string{`report: vulnerability report ../vuln/testdata/trivy.json was made at 2026-07-20T09:15:02Z, 72h0m0s before the decision, older than the maximum report age 48h0m0s`},
		warnings:     []string{expiredWarning},
	}, {
		name: "report for a platform image of an index",
		img:  Image{Reference: "registry.example.com/payments/app@" + otherDigest, Platforms: []string{appDigest, "sha256:" + strings.Repeat("1", 64)}, Base: base},
		sigs: signed, report: report,
		edit: func(p *Policy) {
			p.Vulnerabilities = &Vulnerabilities{MaxSeverity: vuln.Critical, UnknownSeverityAs: vuln.Critical}
		},
		warnings: []string{`report: vulnerability report ../vuln/testdata/trivy.json covers the platform image ` + appDigest + ` of image "registry.example.com/payments/app@` + otherDigest + `"; its other 1 platform images were not scanned`},
	}, {
		name: "unresolved tag", img: Image{Reference: "registry.example.com/payments/app:1.4.2", Base: base}, sigs: Signatures{}, report: report,
		reasons: []string{`digest: image "registry.example.com/payments/app:1.4.2" must be referenced by digest (@sha256:...)`},
		notEvaluated: []string{
			`signature: signatures of image "registry.example.com/payments/app:1.4.2" were not checked: its digest is not known (signature rule at testdata/policy.yaml:8)`,
			`report: vulnerability report ../vuln/testdata/trivy.json cannot be matched to image "registry.example.com/payments/app:1.4.2": the image's digest is not known`,
		},
		warnings: []string{expiredWarning},
	}, {
		name: "a look-alike registry is not approved", img: Image{Reference: "registry.example.com.evil.io/payments/app@" + appDigest, Base: base}, sigs: signed, report: report,
		edit:    func(p *Policy) { p.Vulnerabilities = nil },
		reasons: []string{`repository: image "registry.example.com.evil.io/payments/app@` + appDigest + `" is not from an approved repository (registry.example.com/payments/*, registry.example.com/platform/**)`},
	}, {
		name: "signature by a key the rule does not name", img: good, report: report,
		sigs:    Signatures{Checked: true, Results: []SignatureResult{{Verified: true, Key: "sha256:" + strings.Repeat("0", 64)}, {Reason: "signature for sha256:" + strings.Repeat("2", 64) + ", not this digest"}}},
		edit:    func(p *Policy) { p.Vulnerabilities = nil },
		reasons: []string{`signature: image "` + app + `" has no verified signature from the keys or identities for registry.example.com/payments/* (testdata/policy.yaml:8): signed by key sha256:` + strings.Repeat("0", 64) + `, which the rule does not name; signature for sha256:` + strings.Repeat("2", 64) + `, not this digest`},
	}, {
		name: "unsigned", img: good, sigs: Signatures{Checked: true}, edit: func(p *Policy) { p.Vulnerabilities = nil },
		reasons: []string{`signature: image "` + app + `" has no verified signature from the keys or identities for registry.example.com/payments/* (testdata/policy.yaml:8): no signature found`},
	}, {
		name: "signatures not checked", img: good, sigs: Signatures{Error: "registry.example.com: connection refused"}, edit: func(p *Policy) { p.Vulnerabilities = nil },
		notEvaluated: []string{`signature: signatures of image "` + app + `" were not checked: registry.example.com: connection refused (signature rule at testdata/policy.yaml:8)`},
	}, {
		name: "keyless identity", img: Image{Reference: "registry.example.com/platform/tools/ci@" + appDigest, Base: base},
		sigs: Signatures{Checked: true, Results: []SignatureResult{{Verified: true, Issuer: "https://token.ci.example.com", Subject: "https://ci.example.com/platform/build"}}},
		edit: func(p *Policy) { p.Vulnerabilities = nil },
	}, {
		name: "keyless identity of another subject", img: Image{Reference: "registry.example.com/platform/ci@" + appDigest, Base: base},
		sigs:    Signatures{Checked: true, Results: []SignatureResult{{Verified: true, Issuer: "https://token.ci.example.com", Subject: "https://ci.example.com/payments/build"}}},
		edit:    func(p *Policy) { p.Vulnerabilities = nil },
		reasons: []string{`signature: image "registry.example.com/platform/ci@` + appDigest + `" has no verified signature from the keys or identities for registry.example.com/platform/** (testdata/policy.yaml:11): signed by identity https://token.ci.example.com https://ci.example.com/payments/build, which the rule does not name`},
	}, {
		name: "unknown base fails", img: Image{Reference: app, Base: Base{History: []string{"ADD file:4b0c1e in /", "CMD [\"bash\"]"}}}, sigs: signed,
		edit:    func(p *Policy) { p.Vulnerabilities = nil },
		reasons: []string{`base-image: image "` + app + `" has an unknown base image: no org.opencontainers.image.base.name annotation (its config history has 2 steps, the first "ADD file:4b0c1e in /")`},
	}, {
		name: "unknown base warns", img: Image{Reference: app}, sigs: signed,
		edit:     func(p *Policy) { p.Vulnerabilities = nil; p.BaseImages.Unknown = "warn" },
		warnings: []string{`base-image: image "` + app + `" has an unknown base image: no org.opencontainers.image.base.name annotation`},
	}, {
		name: "unapproved base", img: Image{Reference: app, Base: Base{Name: "docker.io/library/ubuntu:24.04"}}, sigs: signed,
		edit:    func(p *Policy) { p.Vulnerabilities = nil },
		reasons: []string{`base-image: image "` + app + `" is built on "docker.io/library/ubuntu:24.04", which is not an approved base image`},
	}, {
		name: "approved base at another digest", img: Image{Reference: app, Base: Base{Name: "debian:12", Digest: appDigest}}, sigs: signed,
		edit:    func(p *Policy) { p.Vulnerabilities = nil },
		reasons: []string{`base-image: image "` + app + `" is built on "debian:12" (` + appDigest + `), not an approved digest of it (` + otherDigest + `)`},
	}, {
		name: "approved base at its digest", img: Image{Reference: app, Base: Base{Name: "debian:12", Digest: otherDigest}}, sigs: signed,
		edit: func(p *Policy) { p.Vulnerabilities = nil },
	}, {
		name: "invalid reference", img: Image{Reference: "Registry.example.com/App:@@"}, sigs: signed,
		reasons: []string{`reference: image reference "Registry.example.com/App:@@" is not valid: could not parse reference: Registry.example.com/App:@@`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := load(t)
			if tt.edit != nil {
				tt.edit(p)
			}
			at := now
			if !tt.now.IsZero() {
				at = tt.now
			}
			d := p.Evaluate(tt.img, tt.sigs, tt.report, at)
			for _, c := range []struct {
				what      string
				want, got []string
			}{
				{"reasons", tt.reasons, messages(d.Reasons)},
				{"not evaluated", tt.notEvaluated, messages(d.NotEvaluated)},
				{"suppressed", tt.suppressed, messages(d.Suppressed)},
				{"warnings", tt.warnings, messages(d.Warnings)},
			} {
				if diff := cmp.Diff(c.want, c.got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", c.what, diff)
				}
			}
			want := Pass
			if len(tt.reasons) > 0 || len(tt.notEvaluated) > 0 {
				want = Fail
			}
			if d.Verdict != want || d.Complete() != (len(tt.notEvaluated) == 0) {
				t.Errorf("verdict %s, complete %v; want %s", d.Verdict, d.Complete(), want)
			}
		})
	}
}

// TestStatement holds the attestation of a decision to a golden file:
// go test ./internal/image/policy -update rewrites it.
func TestStatement(t *testing.T) {
	p, report := load(t)
	img := Image{Reference: "registry.example.com/payments/app:1.4.2@" + appDigest, Base: Base{Name: "registry.example.com/base/debian:12"}}
	sigs := Signatures{Checked: true, Results: []SignatureResult{{Verified: true, Key: p.Signatures[0].Keys[0].ID}}}
	d := p.Evaluate(img, sigs, report, now)
	s, err := d.Statement()
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "statement.golden.json"), got)
	if s.Subject[0].Digest.SHA256 != strings.TrimPrefix(appDigest, "sha256:") || s.Predicate.Policy.Digest.SHA256 != p.SHA256 || s.Predicate.Report.Digest.SHA256 != report.SHA256 {
		t.Errorf("statement names the wrong digests: %+v", s)
	}

	tag := p.Evaluate(Image{Reference: "registry.example.com/payments/app:1.4.2"}, sigs, nil, now)
	if _, err := tag.Statement(); err == nil || !strings.Contains(err.Error(), "has no sha256 digest") {
		t.Errorf("statement of an unresolved tag: error = %v", err)
	}
}
