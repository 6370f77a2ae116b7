package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/image/vuln"
)

func TestPattern(t *testing.T) {
	tests := []struct {
		pattern, repo string
		want          bool
	}{
		{"registry.example.com/*", "registry.example.com/app", true},
		{"registry.example.com/*", "registry.example.com.evil.io/app", false},
		{"registry.example.com/*", "evil.io/registry.example.com/app", false},
		{"registry.example.com/*", "registry.example.com/team/app", false},
		{"registry.example.com/**", "registry.example.com/team/app", true},
		{"registry.example.com/**", "registry.example.com", true},
		{"registry.example.com/team/**/app", "registry.example.com/team/app", true},
		{"registry.example.com/team/**/app", "registry.example.com/team/a/b/app", true},
		{"registry.example.com/team/**/app", "registry.example.com/team/a/b/app2", false},
		{"registry.example.com/app", "registry.example.com/app", true},
		{"registry.example.com/app", "registry.example.com/app2", false},
		{"registry.example.com/app*", "registry.example.com/app2", true},
		{"*.example.com/app", "registry.example.com/app", true},
		{"*.example.com/app", "registry.example.com.evil.io/app", false},
		{"localhost:5000/*", "localhost:5000/app", true},
		{"docker.io/library/nginx", "index.docker.io/library/nginx", true},
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.pattern)
		if err != nil {
			t.Fatalf("ParsePattern(%q): %v", tt.pattern, err)
		}
		if got := p.Match(tt.repo); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.pattern, tt.repo, got, tt.want)
		}
	}
	for _, bad := range []string{"app", "nginx/*", "registry.example.com", "registry.example.com//app", "registry.example.com/a**", "registry.example.com/[", "**/app"} {
		if _, err := ParsePattern(bad); err == nil {
			t.Errorf("ParsePattern(%q) succeeded, want an error", bad)
		}
	}
	repo, err := Repository("nginx:1.27")
	if err != nil || repo != "index.docker.io/library/nginx" {
		t.Errorf("Repository(nginx:1.27) = %q, %v", repo, err)
	}
}

func TestLoad(t *testing.T) {
	p, err := Load(filepath.Join("testdata", "policy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SHA256) != 64 || !p.RequireDigest || len(p.Repositories) != 2 || len(p.Signatures) != 2 {
		t.Fatalf("policy = %+v", p)
	}
	k := p.Signatures[0].Keys[0]
	if !strings.HasPrefix(k.ID, "sha256:") || k.File != filepath.Join("testdata", "payments.pub") {
		t.Errorf("key = %+v", k)
	}
	if at := p.Vulnerabilities.Ignore[1].At; at != "testdata/policy.yaml:29" {
		t.Errorf("ignore[1] at %q, want testdata/policy.yaml:29", at)
	}
	if v := p.Vulnerabilities; v.MaxSeverity != vuln.Medium || v.UnknownSeverityAs != vuln.Critical || v.MaxReportAge != 48*time.Hour || len(v.VEX) != 1 {
		t.Errorf("vulnerabilities = %+v", v)
	}
}

// TestExample keeps the documented example a valid policy.
func TestExample(t *testing.T) {
	p, err := Load(filepath.Join("..", "..", "..", "docs", "image-policy.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Signatures) != 2 || p.Vulnerabilities == nil || len(p.BaseImages.Allow) != 2 {
		t.Errorf("example policy = %+v", p)
	}
}

func TestParseErrors(t *testing.T) {
	key, err := os.ReadFile(filepath.Join("testdata", "payments.pub"))
	if err != nil {
		t.Fatal(err)
	}
	head := "apiVersion: kubestride.io/v1alpha1\nkind: ImagePolicy\n"
	tests := []struct{ name, yaml, want string }{
		{"unknown top-level field", head + "requireDigests: true\n", `p.yaml:3: unknown field "requireDigests"`},
		{"unknown nested field", head + "vulnerabilities:\n  maxSeverity: high\n  ignore:\n    - id: CVE-1\n      reson: x\n", `p.yaml:7: unknown field "reson" in vulnerabilities.ignore[0]`},
		{"wrong type", head + "requireDigest: yes please\n", `p.yaml:3: requireDigest: a string where true or false was expected`},
		{"list expected", head + "repositories: registry.example.com/*\n", `p.yaml:3: repositories: a string where a list was expected`},
		{"apiVersion", "apiVersion: v1\nkind: ImagePolicy\n", `p.yaml:1: apiVersion: "v1", want kubestride.io/v1alpha1`},
		{"pattern without host", head + "repositories:\n  - app/*\n", `p.yaml:4: repositories[0]: "app/*" must start with a registry host`},
		{"ignore without reason", head + "vulnerabilities:\n  maxSeverity: high\n  ignore:\n    - id: CVE-1\n", "p.yaml:6: vulnerabilities.ignore[0].reason: required: say why"},
		{"bad expiry", head + "vulnerabilities:\n  maxSeverity: high\n  ignore:\n    - id: CVE-1\n      reason: r\n      expires: 2026-13-01\n", `p.yaml:8: vulnerabilities.ignore[0].expires: "2026-13-01" is not a date`},
		{"bad severity", head + "vulnerabilities:\n  maxSeverity: severe\n", `p.yaml:4: vulnerabilities.maxSeverity: unknown severity "severe"`},
		{"unknown is no maximum", head + "vulnerabilities:\n  maxSeverity: unknown\n", `p.yaml:4: vulnerabilities.maxSeverity: "unknown" is not a severity`},
		{"missing maxSeverity", head + "vulnerabilities:\n  maxReportAge: 1d\n", "p.yaml:3: vulnerabilities.maxSeverity: required"},
		{"bad age", head + "vulnerabilities:\n  maxSeverity: high\n  maxReportAge: a week\n", `p.yaml:5: vulnerabilities.maxReportAge: "a week" is not a positive duration`},
		{"missing VEX", head + "vulnerabilities:\n  maxSeverity: high\n  vex: [nowhere.json]\n", "p.yaml:5: vulnerabilities.vex[0]: read VEX document: open testdata/nowhere.json"},
		{"missing key file", head + "signatures:\n  - repositories: [r.example.com/*]\n    keys:\n      - file: nowhere.pub\n", "p.yaml:6: signatures[0].keys[0].file: open testdata/nowhere.pub"},
		{"private key", head + "signatures:\n  - repositories: [r.example.com/*]\n    keys:\n      - pem: |\n          -----BEGIN EC PRIVATE KEY-----\n          AAAA\n          -----END EC PRIVATE KEY-----\n", `signatures[0].keys[0].pem: a "EC PRIVATE KEY" PEM block, want a PUBLIC KEY`},
		{"rule without signer", head + "signatures:\n  - repositories: [r.example.com/*]\n", "p.yaml:4: signatures[0]: at least one key or identity is required"},
		{"identity without subject", head + "signatures:\n  - repositories: [r.example.com/*]\n    identities:\n      - issuer: https://i\n", "p.yaml:6: signatures[0].identities[0]: subject or subjectRegexp is required"},
		{"bad regexp", head + "signatures:\n  - repositories: [r.example.com/*]\n    identities:\n      - issuer: https://i\n        subjectRegexp: '(('\n", "p.yaml:7: signatures[0].identities[0].subjectRegexp: error parsing regexp"},
		{"bad base digest", head + "baseImages:\n  allow:\n    - name: docker.io/library/debian\n      digest: sha256:abc\n", `p.yaml:6: baseImages.allow[0].digest: "sha256:abc" is not a digest`},
		{"bad unknown", head + "baseImages:\n  allow:\n    - name: docker.io/library/debian\n  unknown: allow\n", `p.yaml:6: baseImages.unknown: "allow", want fail or warn`},
		{"not YAML", "a: [\n", "p.yaml: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(filepath.Join("testdata", "p.yaml"), []byte(tt.yaml))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			got := strings.ReplaceAll(err.Error(), "testdata/p.yaml", "p.yaml")
			if !strings.Contains(got, tt.want) {
				t.Fatalf("error = %q, want it to contain %q", got, tt.want)
			}
		})
	}
	// Both key forms load, and an inline key has the ID of the same key
	// read from a file.
	inline := head + "signatures:\n  - repositories: [r.example.com/*]\n    keys:\n      - file: payments.pub\n      - pem: |\n          " +
		strings.ReplaceAll(strings.TrimSpace(string(key)), "\n", "\n          ") + "\n"
	p, err := Parse(filepath.Join("testdata", "p.yaml"), []byte(inline))
	if err != nil {
		t.Fatal(err)
	}
	if ks := p.Signatures[0].Keys; ks[0].ID != ks[1].ID {
		t.Errorf("key IDs differ: %s, %s", ks[0].ID, ks[1].ID)
	}
}
