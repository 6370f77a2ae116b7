package auditlog

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	. "github.com/kubestride/kubestride/internal/auditlog/auditlogtest"
)

func writeFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// ids reads in and returns the audit IDs in the order read, with the errors
// and notices as "file:line: message".
func ids(t *testing.T, in Input) (got []string, errs []string, notices []string, st Stats) {
	t.Helper()
	st, es, ns := in.Each(func(e *Event, _ []byte, pos Position) bool {
		got = append(got, e.AuditID+"@"+filepath.Base(pos.File)+":"+itoa(pos.Line))
		return true
	})
	for _, e := range es {
		errs = append(errs, filepath.Base(e.File)+":"+itoa(e.Line)+": "+e.Message)
	}
	for _, n := range ns {
		notices = append(notices, filepath.Base(n.File)+":"+itoa(n.Line)+": "+n.Message)
	}
	return got, errs, notices, st
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestBadInput reads a log with a truncated line, a line that is not JSON,
// an event of another version and a gzip file cut short: each is reported
// with its file and line, and every good event around them is read.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	good := func(id string, at time.Duration) string {
		return E{ID: id, User: "alice", Verb: "get", Resource: "pods", NS: "a", Name: "x", At: at}.Line()
	}
	other := strings.Replace(good("v1beta1", 0), `"audit.k8s.io/v1"`, `"audit.k8s.io/v1beta1"`, 1)
	plain := strings.Join([]string{
		good("a1", 0),
		good("a2", time.Second)[:60],
		"this is not json",
		other,
		"",
		good("a3", 2*time.Second),
		`{"kind":"Event","apiVersion":"audit.k8s.io/v1","responseStatus":{"code":"200"}}`,
		good("a4", 3*time.Second)[:100],
	}, "\n")
	writeFile(t, dir, "audit.log", []byte(plain))
	full := gz(t, Log(E{ID: "g1", User: "bob", Verb: "list", Resource: "pods", At: -2 * time.Hour}, E{ID: "g2", User: "bob", Verb: "list", Resource: "pods", At: -2*time.Hour + time.Second}))
	writeFile(t, dir, "audit-2026-11-27T08-00-00.000.log.gz", full[:len(full)-12])

	got, errs, notices, st := ids(t, Input{Paths: []string{dir}})
	if diff := cmp.Diff([]string{"g1@audit-2026-11-27T08-00-00.000.log.gz:1", "g2@audit-2026-11-27T08-00-00.000.log.gz:2", "a1@audit.log:1", "a3@audit.log:6"}, got); diff != "" {
		t.Errorf("events read (-want +got):\n%s", diff)
	}
	wantErrs := []string{
		"audit.log:2: not an audit event: column 61: unexpected end of JSON (a line cut short?)",
		"audit.log:3: not an audit event: column 1: invalid character 't' looking for a value",
		`audit.log:4: not an audit.k8s.io/v1 Event: apiVersion "audit.k8s.io/v1beta1", kind "Event"`,
		"audit.log:7: not an audit event: field responseStatus.code: cannot read \"200\" as a number",
		"audit.log:8: line cut short: column 101: unexpected end of JSON (a line cut short?)",
	}
	// The gzip file is cut inside its trailer or its last block: either
	// way it is reported, at the line reached.
	var gzErr string
	var rest []string
	for _, e := range errs {
		if strings.HasPrefix(e, "audit-") {
			gzErr = e
		} else {
			rest = append(rest, e)
		}
	}
	if diff := cmp.Diff(wantErrs, rest); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if !strings.Contains(gzErr, "compressed file cut short") {
		t.Errorf("the gzip file cut short is not reported: %q", gzErr)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "audit.log:1: no event for 1h59m") || !strings.Contains(notices[0], "a rotated file may be missing") {
		t.Errorf("notices = %q, want the hole between the files", notices)
	}
	if st.Files != 2 || st.Events != 4 {
		t.Errorf("stats = %+v", st)
	}
}

// TestRotatedSetInTimeOrder reads a rotated set given in any order, plain
// and gzip (recognised by content, whatever the name), oldest first.
func TestRotatedSetInTimeOrder(t *testing.T) {
	dir := t.TempDir()
	ev := func(id string, at time.Duration) E {
		return E{ID: id, User: "alice", Verb: "get", Resource: "pods", At: at}
	}
	cur := writeFile(t, dir, "audit.log", []byte(Log(ev("c1", 2*time.Minute), ev("c2", 3*time.Minute))))
	old := writeFile(t, dir, "audit-2026-11-27T10-01-00.000.log", gz(t, Log(ev("o1", 0), ev("o2", time.Minute))))
	mid := writeFile(t, dir, "audit-2026-11-27T10-02-00.000.log.gz", gz(t, Log(ev("m1", 90*time.Second))))
	got, errs, notices, _ := ids(t, Input{Paths: []string{cur, mid, old}})
	want := []string{"o1@audit-2026-11-27T10-01-00.000.log:1", "o2@audit-2026-11-27T10-01-00.000.log:2", "m1@audit-2026-11-27T10-02-00.000.log.gz:1", "c1@audit.log:1", "c2@audit.log:2"}
	if diff := cmp.Diff(want, got); diff != "" || errs != nil || notices != nil {
		t.Errorf("read (-want +got):\n%s\nerrors %q notices %q", diff, errs, notices)
	}
	// Standard input.
	got, _, _, _ = ids(t, Input{Paths: []string{"-"}, Stdin: strings.NewReader(Log(ev("s1", 0)))})
	if diff := cmp.Diff([]string{"s1@(stdin):1"}, got); diff != "" {
		t.Errorf("stdin (-want +got):\n%s", diff)
	}
}
