package report

import (
	"io"
	"runtime"
	"testing"
)

// countingWriter counts what a renderer writes and keeps none of it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// BenchmarkRender renders a synthetic report of 100,000 findings in each
// format to io.Discard. B/op divided by 100,000 is the allocation per
// finding; a renderer that streams allocates a small, fixed amount per
// finding however large the report.
func BenchmarkRender(b *testing.B) {
	const findings = 100_000
	r := syntheticReport(findings, 1, false)
	for _, f := range goldenFormats {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(io.Discard, f.format, r, f.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRenderAllocationPerFinding renders a 20,000-finding report in each
// format and bounds the bytes allocated per finding. A renderer that builds
// the document (or a model of it) in memory before writing allocates several
// times its output, which is around 1 KB per finding in the larger formats;
// one that streams allocates scratch space it reuses, and what a library
// (html/template) allocates for each value it writes.
func TestRenderAllocationPerFinding(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 20,000 findings per format")
	}
	if raceDetector {
		t.Skip("the race detector allocates for itself")
	}
	const (
		findings = 20_000
		// maxPerFinding is the allocation allowed per finding, output
		// included for a renderer that keeps it.
		maxPerFinding = 2048
	)
	r := syntheticReport(findings, 1, false)
	for _, f := range goldenFormats {
		t.Run(f.name, func(t *testing.T) {
			var out countingWriter
			if err := Render(&out, f.format, r, f.opts); err != nil { // warm up: templates, lazily built tables
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			out = countingWriter{}
			if err := Render(&out, f.format, r, f.opts); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			perFinding := (after.TotalAlloc - before.TotalAlloc) / findings
			t.Logf("%s: %d bytes allocated and %d bytes written per finding", f.name, perFinding, out.n/findings)
			if perFinding > maxPerFinding {
				t.Errorf("%s allocates %d bytes per finding, want at most %d: it should write each finding as it goes, into reused buffers",
					f.name, perFinding, maxPerFinding)
			}
		})
	}
}

// FuzzFastPaths: the in-place escapers, which leave plain text as it is,
// agree with the string functions they stand for.
func FuzzFastPaths(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checks := []struct {
			name string
			got  []byte
			want string
		}{
			{"cleanFrom", cleanFrom([]byte("x"+s), 1), "x" + clean(s)},
			{"oneLineFrom", oneLineFrom([]byte("x"+s), 1), "x" + oneLine(s)},
			{"appendOneLine", appendOneLine([]byte("x"), s), "x" + oneLine(s)},
			{"mdEscapeFrom", mdEscapeFrom([]byte("x"+s), 1), "x" + mdEscape(s)},
			{"appendMDEscape", appendMDEscape([]byte("x"), s), "x" + mdEscape(s)},
			{"jsonStringFrom", jsonStringFrom([]byte("x"+s), 1), "x" + string(appendJSONString(nil, s))},
		}
		for _, c := range checks {
			if string(c.got) != c.want {
				t.Errorf("%s(%q) = %q, want %q", c.name, s, c.got, c.want)
			}
		}
	})
}

func TestResourceString(t *testing.T) {
	tests := []struct {
		res  Resource
		want string
	}{
		{Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "payments", Name: "ledger"}, "Deployment payments/ledger"},
		{Resource{Kind: "ClusterRole", Name: "admin"}, "ClusterRole admin"},
		{Resource{Kind: "Namespace"}, "Namespace"},
		{Resource{Namespace: "payments", Name: "ledger"}, "payments/ledger"},
		{Resource{Namespace: "payments"}, "payments/"},
		{Resource{Name: "ledger"}, "ledger"},
		{Resource{APIVersion: "v1"}, "-"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := resourceString(tc.res); got != tc.want {
				t.Errorf("resourceString(%+v) = %q, want %q", tc.res, got, tc.want)
			}
		})
	}
}
