package config

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

type stub struct{ id check.ID }

func (s stub) Meta() check.Meta {
	return check.Meta{ID: s.id, Title: "Stub", Category: check.Tampering, Severity: check.Low, Description: "Stub.", Remediation: "Fix.", References: []string{"https://example.com"}}
}
func (stub) Run(context.Context, *inventory.Inventory, check.Options) []check.Finding { return nil }

func registry(t *testing.T) *check.Registry {
	t.Helper()
	reg := check.NewRegistry()
	for _, id := range []check.ID{"pss-privileged", "image-not-pinned"} {
		if err := reg.Add(stub{id}); err != nil {
			t.Fatal(err)
		}
	}
	return reg
}

func TestParseValid(t *testing.T) {
	c, err := Parse([]byte(`failOn: medium
pss: {level: baseline, version: v1.30}
checks:
  image-not-pinned: {severity: low}
  pss-privileged: {disabled: true}
exemptions:
  - namespace: kube-system
    kind: DaemonSet
    name: "cilium*"
    checks: [pss-privileged]
    reason: CNI agent (SEC-142)
    expires: 2027-03-31
  - name: legacy
    reason: decommissioned in Q1
`), registry(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Exemptions) != 2 || c.Exemptions[0].Line != 7 || c.Exemptions[1].Line != 13 {
		t.Fatalf("exemptions = %+v", c.Exemptions)
	}
	e := &c.Exemptions[0]
	if !e.Matches("pss-privileged", "DaemonSet", "kube-system", "cilium-abcde") {
		t.Error("exemption does not match what it names")
	}
	for _, m := range [][4]string{
		{"image-not-pinned", "DaemonSet", "kube-system", "cilium-abcde"},
		{"pss-privileged", "Deployment", "kube-system", "cilium-abcde"},
		{"pss-privileged", "DaemonSet", "default", "cilium-abcde"},
		{"pss-privileged", "DaemonSet", "kube-system", "calico"},
	} {
		if e.Matches(check.ID(m[0]), m[1], m[2], m[3]) {
			t.Errorf("exemption matches %v", m)
		}
	}
	day := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	if e.Expired(day.Add(-time.Second)) || !e.Expired(day) {
		t.Error("exemption must apply until the end of the day before its expiry date")
	}
	if c.Exemptions[1].Expired(day.AddDate(100, 0, 0)) {
		t.Error("an exemption without expiry never expires")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"unknown field", "checkz: {}\n", `unknown field "checkz"`},
		{"unknown check", "checks: {nope: {disabled: true}}\n", "checks.nope: no such check"},
		{"bad severity", "checks: {pss-privileged: {severity: severe}}\n", `checks.pss-privileged.severity: unknown severity "severe"`},
		{"bad fail-on", "failOn: sometimes\n", "failOn: unknown severity"},
		{"missing reason", "exemptions:\n  - namespace: a\n", "exemptions[0] (line 2): reason is required"},
		{"bad date", "exemptions:\n  - reason: r\n    expires: next week\n", `exemptions[0] (line 2).expires: "next week" is not a date`},
		{"bad pattern", "exemptions:\n  - reason: r\n    name: \"[\"\n", `bad pattern "["`},
		{"unknown exempted check", "exemptions:\n  - reason: r\n    checks: [nope]\n", `no such check "nope"`},
		{"not YAML", "\x00\x01", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text), registry(t))
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "kubestride.yaml")
	if err := os.WriteFile(p, []byte("exemptions:\n  - name: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p, registry(t))
	if err == nil || !strings.HasPrefix(err.Error(), "config "+p+": ") {
		t.Errorf("Load error = %v, want it to start with the file name", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), registry(t)); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}
