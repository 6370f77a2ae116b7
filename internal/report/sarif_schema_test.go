package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchemaFile is the SARIF 2.1.0 schema; testdata/README.md says where it
// comes from.
var sarifSchemaFile = filepath.Join("testdata", "sarif-schema-2.1.0.json")

// sarifSchema compiles the schema once, with "format" asserted so that URIs
// and dates are checked too.
var sarifSchemaOnce = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://kubestride.invalid/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
})

func validateSARIF(t *testing.T, doc []byte) error {
	t.Helper()
	sch, err := sarifSchemaOnce()
	if err != nil {
		t.Fatalf("compile %s: %v", sarifSchemaFile, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	return sch.Validate(inst)
}

func renderSARIFBytes(t *testing.T, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, "sarif", r, Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSARIFValidatesAgainstSchema validates the SARIF of every golden report
// against the official schema.
func TestSARIFValidatesAgainstSchema(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			if err := validateSARIF(t, renderSARIFBytes(t, c.report())); err != nil {
				t.Errorf("SARIF for %s is not valid SARIF 2.1.0:\n%v", c.name, err)
			}
		})
	}
}

// TestSARIFSchemaRejectsInvalid makes sure the validation above can fail:
// each case breaks the valid output in one way the schema forbids.
func TestSARIFSchemaRejectsInvalid(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{"missing version", func(doc map[string]any) { delete(doc, "version") }},
		{"wrong version", func(doc map[string]any) { doc["version"] = "2.0.0" }},
		{"missing tool", func(doc map[string]any) { delete(run(doc), "tool") }},
		{"severity as level", func(doc map[string]any) { result(doc, 0)["level"] = "critical" }},
		{"message without text", func(doc map[string]any) { result(doc, 0)["message"] = map[string]any{} }},
		{"line zero", func(doc map[string]any) {
			loc := result(doc, 1)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"] = map[string]any{"startLine": 0}
		}},
		{"unknown suppression kind", func(doc map[string]any) {
			for _, r := range run(doc)["results"].([]any) {
				if sups, ok := r.(map[string]any)["suppressions"]; ok {
					sups.([]any)[0].(map[string]any)["kind"] = "annotation"
					return
				}
			}
			panic("no suppressed result")
		}},
		{"negative rule index", func(doc map[string]any) { result(doc, 0)["ruleIndex"] = -2 }},
		{"unknown top-level property", func(doc map[string]any) { doc["findings"] = []any{} }},
		{"invalid URI", func(doc map[string]any) {
			loc := result(doc, 1)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["artifactLocation"] = map[string]any{"uri": "file://[bad"}
		}},
	}
	valid := renderSARIFBytes(t, fullReport())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(valid, &doc); err != nil {
				t.Fatal(err)
			}
			tc.mutate(doc)
			broken, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			err = validateSARIF(t, broken)
			if err == nil {
				t.Fatalf("schema accepted a document with %s", tc.name)
			}
			t.Logf("rejected as expected: %v", err)
		})
	}
	t.Run("not SARIF at all", func(t *testing.T) {
		if err := validateSARIF(t, []byte(`{"schemaVersion": 1, "findings": []}`)); err == nil {
			t.Error("schema accepted a kubestride JSON report as SARIF")
		}
	})
}

func run(doc map[string]any) map[string]any {
	return doc["runs"].([]any)[0].(map[string]any)
}

func result(doc map[string]any, i int) map[string]any {
	return run(doc)["results"].([]any)[i].(map[string]any)
}

// sarifSchemaSHA256 is the digest of the schema as published in the npm
// package testdata/README.md names.
const sarifSchemaSHA256 = "1c49a0f2b60444c71bb14878e21e0d882198eff4c539861b133093ad89ed798c"

// TestSARIFSchemaFileIsPinned guards the committed schema against edits: the
// validation is only worth something against the published file.
func TestSARIFSchemaFileIsPinned(t *testing.T) {
	b, err := os.ReadFile(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != sarifSchemaSHA256 {
		t.Errorf("%s has sha256 %s, want %s (the published file; see testdata/README.md)", sarifSchemaFile, got, sarifSchemaSHA256)
	}
}
