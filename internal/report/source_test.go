package report

import (
	"bytes"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// TestExitCodeFromSummary: the exit code counts unsuppressed findings at or
// above the fail-on severity, for findings held or handed over by a Source.
func TestExitCodeFromSummary(t *testing.T) {
	findings := []Finding{
		{ID: "a", Category: check.Tampering, Severity: check.Critical, Suppressed: &Suppression{Kind: "annotation", Reason: "accepted"}},
		{ID: "b", Category: check.Tampering, Severity: check.Medium},
		{ID: "c", Category: check.Spoofing, Severity: check.Info},
	}
	for _, tc := range []struct {
		failOn check.Severity
		want   int
	}{
		{check.Critical, ExitOK}, // the critical one is suppressed
		{check.High, ExitOK},
		{check.Medium, ExitFindings},
		{check.Info, ExitFindings},
	} {
		held := &Report{Findings: append([]Finding(nil), findings...)}
		held.Finalize()
		sourced := &Report{Source: sliceSource(findings)}
		sourced.Finalize()
		for name, r := range map[string]*Report{"held": held, "source": sourced} {
			if got := r.ExitCode(tc.failOn); got != tc.want {
				t.Errorf("%s, fail-on %s: exit code %d, want %d", name, tc.failOn, got, tc.want)
			}
		}
	}
	r := &Report{Errors: []Error{{Message: "unreadable"}}}
	r.Finalize()
	if got := r.ExitCode(check.Critical); got != ExitError {
		t.Errorf("with an error: exit code %d, want %d", got, ExitError)
	}
}

// fillSource is a FindingSource that is not a slice, so the JSON renderer
// fills chunks from it.
type fillSource struct{ fs []Finding }

func (s fillSource) Len() int                     { return len(s.fs) }
func (s fillSource) Fill(dst []Finding, from int) { copy(dst, s.fs[from:]) }
func (s fillSource) Summary() Summary             { return summarize(s.fs) }

// TestJSONFromSourceMatchesHeld: a report whose findings come from a Source,
// filled a chunk at a time over several chunks, renders byte for byte as the
// same report holding them.
func TestJSONFromSourceMatchesHeld(t *testing.T) {
	held := syntheticReport(3*findingChunk+17, 7, true)
	held.Finalize()
	sourced := *held
	sourced.Findings, sourced.Source = nil, fillSource{held.Findings}
	var a, b bytes.Buffer
	if err := Render(&a, "json", held, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, "json", &sourced, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("JSON from a Source differs from JSON of held findings (%d vs %d bytes)", b.Len(), a.Len())
	}
	// Any other format materializes the Source first.
	sourced.Source = fillSource{held.Findings}
	var c, d bytes.Buffer
	if err := Render(&c, "table", held, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Render(&d, "table", &sourced, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.Bytes(), d.Bytes()) || sourced.Source != nil {
		t.Errorf("table from a Source differs, or the Source was not materialized")
	}
}
