package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
)

// encoderFinding is what encoding/json writes for f inside the findings list.
func encoderFinding(t *testing.T, f *Finding) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// escapeJSONControls rewrites the characters textsafe shows and encoding/json
// leaves as they are (DEL, C1 and bidi controls) in encoding/json's output b
// as \u escapes, as the JSON and SARIF renderers write them. It is written
// apart from textsafe.JSONWriter so that it can check it.
func escapeJSONControls(b []byte) []byte {
	var out strings.Builder
	for _, r := range string(b) {
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x200e || r == 0x200f ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.WriteRune(r)
		}
	}
	return []byte(out.String())
}

func writerFinding(t *testing.T, f *Finding) string {
	t.Helper()
	return string(appendFinding(nil, f, new(jsonRepeats)))
}

func TestJSONFindingMatchesEncoder(t *testing.T) {
	base := Finding{
		ID: "pss-privileged", Category: check.ElevationOfPrivilege, Severity: check.Critical,
		Title: "Privileged container", Message: `container "app" must not set securityContext.privileged=true`,
		Resource:    Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "payments", Name: "ledger"},
		Field:       "spec.template.spec.containers[0].securityContext.privileged",
		Remediation: "Remove securityContext.privileged or set it to false.",
	}
	variants := []func(f *Finding){
		func(f *Finding) {},
		func(f *Finding) { f.Location = &Location{File: "deploy/ledger.yaml", Line: 27} },
		func(f *Finding) { f.Location = &Location{File: "<stdin>"} },
		func(f *Finding) { f.PSS = &check.PSS{Level: "baseline", Version: "v1.37", Check: "privileged"} },
		func(f *Finding) { f.Suppressed = &Suppression{Kind: "annotation", Reason: "needed"} },
		func(f *Finding) { f.Suppressed = &Suppression{Kind: "exemption", Reason: "r", Expires: "2027-01-01"} },
		func(f *Finding) { f.Message = "tab\there \\ \"q\" <b>&amp; \u2028 \x01 \xff é ✓" },
		func(f *Finding) { f.Resource.Namespace = "" },
		func(f *Finding) { f.Resource.Pods = 12 },
		func(f *Finding) {
			f.Resource = Resource{}
			f.File = &File{Path: "/etc/kubernetes/manifests/kube-apiserver.yaml", Line: 14, Key: "--anonymous-auth"}
			f.Location = &Location{File: f.File.Path, Line: 14}
		},
		func(f *Finding) { f.Resource = Resource{}; f.File = &File{Path: "/etc/kubernetes/pki/ca.key"} },
		func(f *Finding) {
			f.Resource = Resource{}
			f.File = &File{Path: "/var/lib/kubelet/config.yaml", Key: "authentication.anonymous.enabled"}
		},
		func(f *Finding) {
			f.Resource = Resource{}
			f.AuditTrail = &AuditTrail{Principal: "user:mallory", Events: []AuditEvent{
				{AuditID: "4f1c0b4e-9a71-4c1e-8d7a-0c2f5b6a7e01", Time: "2026-11-30T10:15:02.123456Z"},
				{AuditID: "a9d2e5f0-1b3c-4d5e-8f70-123456789abc", Time: "2026-11-30T10:15:09Z"},
			}}
		},
		func(f *Finding) {
			f.Resource = Resource{}
			f.AuditTrail = &AuditTrail{Principal: "user:x", Events: []AuditEvent{}}
		},
		func(f *Finding) {
			f.Resource = Resource{}
			f.Image = &Image{Reference: "registry.example.com/payments/ledger:1.4", Digest: "sha256:" + strings.Repeat("ab", 32)}
		},
		func(f *Finding) { f.Resource = Resource{}; f.Image = &Image{Reference: "nginx:latest"} },
		func(f *Finding) {
			f.Location = &Location{File: "deploy/ledger.yaml", Line: 27}
			f.Related = []RelatedLocation{
				{File: "deploy/ledger.yaml", Line: 41, Field: "spec.template.spec.containers[1].securityContext.privileged"},
				{File: "deploy/ledger.yaml", Field: "spec.template.spec.ephemeralContainers[0]"},
			}
		},
		func(f *Finding) { f.Related = []RelatedLocation{{Field: "spec.template.spec.containers[1]"}} },
	}
	for i, v := range variants {
		f := base
		v(&f)
		if got, want := writerFinding(t, &f), encoderFinding(t, &f); got != want {
			t.Errorf("variant %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\"", "\\", "\x00\x1f", "\u2028\u2029", "\xff\xfe", "<&>", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s)
		want = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

// TestJSONReportMatchesEncoder: the whole streamed document equals what
// encoding/json writes for the Report, coverage and readiness included.
func TestJSONReportMatchesEncoder(t *testing.T) {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "test"},
		Findings: []Finding{{
			ID: "pss-privileged", Category: check.ElevationOfPrivilege, Severity: check.Critical,
			Title: "Privileged container", Message: "m", Field: "spec", Remediation: "r.",
			Resource: Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "ns", Name: "d", Pods: 3},
		}},
		Coverage:  &Coverage{Listed: map[string]int{"pods": 4}, Gaps: []object.Gap{{Resource: "secrets", Reason: "forbidden", Message: "no"}}},
		Readiness: []NamespaceReadiness{{Namespace: "ns", Version: "v1.37", Pods: 4, RejectedBaseline: 3, RejectedRestricted: 4}},
	}
	r.Finalize()
	for _, tc := range []struct {
		name string
		mod  func(*Report)
	}{
		{"cluster", func(*Report) {}},
		{"coverage only", func(r *Report) { r.Readiness = nil }},
		{"manifests", func(r *Report) { r.Coverage, r.Readiness = nil, nil }},
		{"cluster, not evaluated", func(r *Report) {
			r.NotEvaluated = map[check.ID]string{"b-check": "not evaluated: b", "a-check": "not evaluated: <a> & \"a\""}
		}},
		{"coverage only, not evaluated", func(r *Report) {
			r.Readiness, r.NotEvaluated = nil, map[check.ID]string{"a-check": "not evaluated: a"}
		}},
		{"manifests, not evaluated", func(r *Report) {
			r.Coverage, r.Readiness, r.NotEvaluated = nil, nil, map[check.ID]string{"a-check": "not evaluated: a"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rr := *r
			tc.mod(&rr)
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(&rr); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := renderJSON(&got, &rr, Options{}); err != nil {
				t.Fatal(err)
			}
			if got.String() != string(escapeJSONControls(want.Bytes())) {
				t.Errorf("renderJSON differs from encoding/json:\n got %s\nwant %s", got.String(), want.String())
			}
		})
	}
}

// TestJSONChunkedFindings: a list long enough to be formatted in chunks on
// several goroutines is written exactly as encoding/json writes it.
func TestJSONChunkedFindings(t *testing.T) {
	r := &Report{SchemaVersion: SchemaVersion, Tool: Tool{Name: "kubestride", Version: "test"}}
	for i := 0; i < 3*findingChunk+17; i++ {
		r.Findings = append(r.Findings, Finding{
			ID: "pss-privileged", Category: check.ElevationOfPrivilege, Severity: check.Severity(1 + i%5),
			Title: "Privileged container", Message: fmt.Sprintf("container \"c%d\" must not be privileged", i),
			Resource: Resource{Kind: "Pod", Namespace: "ns", Name: fmt.Sprintf("p%05d", i)}, Field: "spec", Remediation: "r.",
		})
	}
	r.Finalize()
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := renderJSON(&got, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Error("chunked findings differ from encoding/json's output")
	}
}
