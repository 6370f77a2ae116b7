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
	return check.Meta{ID: s.id, Title: "Stub", Category: check.Tampering, Severity: check.Low, Description: "Stub.", Remediation: "Fix.", References: []string{"https://example.com"}, Topic: check.TopicWorkloads}
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
		{"template without group", "podTemplates:\n  - {kind: Rollout, path: spec.template}\n", "podTemplates[0].group is required"},
		{"template group with version", "podTemplates:\n  - {group: argoproj.io/v1alpha1, kind: Rollout, path: spec.template}\n", `podTemplates[0].group: "argoproj.io/v1alpha1" must be a group without a version`},
		{"template without kind", "podTemplates:\n  - {group: example.com, path: spec.template}\n", "podTemplates[0].kind is required"},
		{"template without path", "podTemplates:\n  - {group: example.com, kind: Runner}\n", "podTemplates[0].path is required"},
		{"template bad path", "podTemplates:\n  - {group: example.com, kind: Runner, path: spec..template}\n", `podTemplates[0].path: "spec..template" is not a field path`},
		{"template bad version", "podTemplates:\n  - {group: example.com, kind: Runner, path: spec.template, versions: [example.com/v1]}\n", `podTemplates[0].versions: "example.com/v1" must be a version alone`},
		{"template unknown field", "podTemplates:\n  - {group: example.com, kind: Runner, paths: spec.template}\n", `unknown field "paths"`},
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

func TestPodTemplates(t *testing.T) {
	c, err := Parse([]byte(`podTemplates:
  - group: example.com
    kind: Runner
    versions: [v1beta1]
    path: spec.workers[0].podTemplate
  - group: example.com
    kind: Pipeline
    path: spec
    workflow: true
`), registry(t))
	if err != nil {
		t.Fatal(err)
	}
	tab := c.Templates()
	got := tab.For("example.com/v1beta1", "Runner")
	if len(got) != 1 || got[0].Path != "spec.workers[0].podTemplate" {
		t.Errorf("Runner v1beta1 entries = %+v, want the configured one", got)
	}
	if got := tab.For("example.com/v1", "Runner"); len(got) != 0 {
		t.Errorf("Runner v1 entries = %+v, want none (versions: [v1beta1])", got)
	}
	if got := tab.For("example.com/v1", "Pipeline"); len(got) != 1 || !got[0].Workflow {
		t.Errorf("Pipeline entries = %+v, want one workflow entry", got)
	}
	if got := tab.For("argoproj.io/v1alpha1", "Rollout"); len(got) != 1 || got[0].Path != "spec.template" {
		t.Errorf("built-in Rollout entry = %+v, want spec.template kept", got)
	}
	if (&Config{}).Templates() != nil {
		t.Error("a configuration without podTemplates must leave the built-in table (nil)")
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

func TestWebhookSection(t *testing.T) {
	c, err := Parse([]byte(`webhook:
  defaults: {enforce: restricted-plus, enforceVersion: v1.30, warn: restricted}
  policies:
  - name: restricted-plus
    level: restricted
    checks: [image-not-pinned]
    minSeverity: high
  exempt: {namespaces: [kube-system], usernames: [admin], groups: [ops], runtimeClasses: [kata]}
  forbidAnnotationExemptions: true
  dryRunNamespaces: ["staging-*"]
`), registry(t))
	if err != nil {
		t.Fatal(err)
	}
	w := &c.Webhook
	if p, ok := w.Policy("restricted-plus"); !ok || p.Level != "restricted" || p.MinSeverity != "high" {
		t.Errorf("policy = %+v", p)
	}
	if !w.DryRun("staging-2") || w.DryRun("prod") || !w.ForbidAnnotationExemptions {
		t.Errorf("webhook = %+v", w)
	}
	_, err = Parse([]byte(`webhook:
  defaults: {enforce: strict, auditVersion: v2}
  policies:
  - name: baseline
    level: baseline
  - name: mine
    level: medium
    checks: [no-such-check]
    minSeverity: urgent
  - name: mine
    level: restricted
  dryRunNamespaces: ["["]
  exempt: {usernames: [""]}
`), registry(t))
	want := []string{
		`webhook.policies[0].name: "baseline" is a built-in policy (the Pod Security Standards level); choose another name`,
		`webhook.policies[1].level: "medium" is not privileged, baseline or restricted`,
		`webhook.policies[1].checks: no such check "no-such-check"`,
		`webhook.policies[1].minSeverity: `,
		`webhook.policies[2].name: "mine" is defined twice`,
		`webhook.defaults.enforce: no such policy "strict" (baseline, restricted, privileged or one of webhook.policies)`,
		`webhook.defaults.auditVersion: "v2" is not v1.N or latest`,
		`webhook.dryRunNamespaces[0]: bad pattern "["`,
		`webhook.exempt: an empty entry exempts nothing; remove it`,
	}
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}
