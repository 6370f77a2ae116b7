package report

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// plantedSecret is a secret value that exists in the scanned manifest, in
// the configuration and in the environment, but nowhere in the report.
const plantedSecret = "hunter2-kubestride-planted-7f3a9c"

// TestRenderersPrintOnlyTheReport renders a report about a literal secret
// while the secret sits in the very file and line the finding points at, in
// the config file a notice points at and in the environment. A renderer
// that reads the file for a snippet, dumps a raw object or prints anything
// but the report's values would show it, in plain text or base64.
func TestRenderersPrintOnlyTheReport(t *testing.T) {
	dir := t.TempDir()
	manifest := strings.Join([]string{
		"apiVersion: apps/v1",
		"kind: Deployment",
		"metadata: {name: api, namespace: shop}",
		"spec:",
		"  template:",
		"    spec:",
		"      containers:",
		"      - name: app",
		"        env: [{name: DB_PASSWORD, value: " + plantedSecret + "}]",
		"---",
		"apiVersion: v1",
		"kind: Secret",
		"metadata: {name: db, namespace: shop}",
		"data: {password: " + base64.StdEncoding.EncodeToString([]byte(plantedSecret)) + "}",
		"",
	}, "\n")
	writeFile(t, filepath.Join(dir, "deploy", "api.yaml"), manifest)
	writeFile(t, filepath.Join(dir, "kubestride.yaml"), "exemptions:\n- reason: "+plantedSecret+"\n")
	t.Chdir(dir)
	t.Setenv("KUBESTRIDE_PLANTED_SECRET", plantedSecret)

	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "v0.4.0"},
		Settings:      Settings{FailOn: check.High, PSSLevel: "restricted", PSSVersion: "latest"},
		Rules:         []check.Meta{ruleSecretEnv},
		Findings: []Finding{{
			ID: ruleSecretEnv.ID, Category: ruleSecretEnv.Category, Severity: check.High, Title: ruleSecretEnv.Title,
			Message:     `container "app" env var "DB_PASSWORD" must not hold a literal value`,
			Resource:    Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"},
			Location:    &Location{File: "deploy/api.yaml", Line: 9},
			Field:       "spec.template.spec.containers[0].env[0].value",
			Remediation: ruleSecretEnv.Remediation,
		}},
		Errors:  []Error{{File: "deploy/api.yaml", Line: 14, Message: "object Secret shop/db: data.password could not be decoded"}},
		Notices: []Notice{{File: "kubestride.yaml", Line: 2, Message: "exemption 1 has no namespace, kind or name and matches every object"}},
	}
	r.Finalize()

	forbidden := []string{
		plantedSecret,
		base64.StdEncoding.EncodeToString([]byte(plantedSecret)),
		"hunter2",
	}
	// Traces of Go values printed whole instead of field by field.
	dumps := []string{"%!", "map[", "&{", "<nil>", "0xc0"}
	for _, f := range goldenFormats {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, f.format, r, f.opts); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.Contains(out, "deploy/api.yaml") {
				t.Fatalf("output does not name the finding's file, so the test proves nothing:\n%s", out)
			}
			for _, s := range forbidden {
				if strings.Contains(out, s) {
					t.Errorf("output contains %q, which is not in the report:\n%s", s, out)
				}
			}
			for _, s := range dumps {
				if strings.Contains(out, s) {
					t.Errorf("output contains %q, a sign of a value dumped whole:\n%s", s, out)
				}
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
