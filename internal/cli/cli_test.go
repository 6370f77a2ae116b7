package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/textsafe"
)

// run executes kubestride in-process, from the repository root, with a
// fixed clock for exemptions.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	s := IO{In: strings.NewReader(stdin), Out: &out, Err: &errb, Getenv: func(string) string { return "" }}
	fixedNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	defer func() { fixedNow = time.Time{} }()
	code = Main(args, s)
	return out.String(), errb.String(), code
}

func chdirRoot(t testing.TB) {
	t.Helper()
	t.Chdir(filepath.Join("..", ".."))
}

func decodeReport(t *testing.T, out string) *report.Report {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("output is not a JSON report: %v\n%s", err, out)
	}
	return &r
}

// TestExamplesGolden pins the report on the bundled examples, in every
// format, as the user sees it.
func TestExamplesGolden(t *testing.T) {
	chdirRoot(t)
	for _, format := range []string{"json", "table", "sarif", "junit", "markdown", "html", "policyreport"} {
		t.Run(format, func(t *testing.T) {
			out, stderr, code := run(t, "", "scan", "--format", format, "--config", "docs/kubestride.example.yaml", "examples/")
			if code != report.ExitFindings {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, report.ExitFindings, stderr)
			}
			golden.Check(t, filepath.Join("internal", "cli", "testdata", "examples."+format+".golden"), []byte(out))
		})
	}
}

func TestExitCodes(t *testing.T) {
	chdirRoot(t)
	clean := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: app}\ndata: {LOG_LEVEL: info}\n"
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  int
	}{
		{"clean input", clean, []string{"scan", "-f", "json", "-"}, report.ExitOK},
		{"findings at or above fail-on", "", []string{"scan", "-f", "json", "examples/payments/ledger.yaml"}, report.ExitFindings},
		{"findings below fail-on", "", []string{"scan", "-f", "json", "--fail-on", "critical", "--check", "image-latest-tag", "examples/payments/ledger.yaml"}, report.ExitOK},
		{"fail-on none: findings only reported", "", []string{"scan", "-f", "json", "--fail-on", "none", "examples/payments/ledger.yaml"}, report.ExitOK},
		{"fail-on none: unreadable input still fails", "", []string{"scan", "-f", "json", "--fail-on", "none", "examples/payments/ledger.yaml", "nope.yaml"}, report.ExitError},
		{"unreadable input wins over findings", "", []string{"scan", "-f", "json", "examples/payments/ledger.yaml", "nope.yaml"}, report.ExitError},
		{"no input", "", []string{"scan"}, report.ExitError},
		{"unknown flag", "", []string{"scan", "--nope", "examples/"}, report.ExitError},
		{"bad fail-on", "", []string{"scan", "--fail-on", "severe", "examples/"}, report.ExitError},
		{"-n not a namespace name", "", []string{"scan", "-n", "Bad_NS", "examples/"}, report.ExitError},
		{"rbac -n not a namespace name", "", []string{"rbac", "who-can", "get", "pods", "-n", "Bad_NS", "examples/"}, report.ExitError},
		{"bad format", "", []string{"scan", "--format", "yaml", "examples/"}, report.ExitError},
		{"bad pss level", "", []string{"scan", "--pss-level", "privileged", "examples/"}, report.ExitError},
		{"bad pss version", "", []string{"scan", "--pss-version", "1.2.3", "examples/"}, report.ExitError},
		{"unknown check", "", []string{"scan", "--check", "nope", "examples/"}, report.ExitError},
		{"bad config", "", []string{"scan", "--config", "README.md", "examples/"}, report.ExitError},
		{"checks list", "", []string{"checks"}, report.ExitOK},
		{"checks explain", "", []string{"checks", "pss-privileged"}, report.ExitOK},
		{"checks unknown", "", []string{"checks", "nope"}, report.ExitError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := run(t, tc.stdin, tc.args...)
			if code != tc.want {
				t.Errorf("kubestride %s: exit code = %d, want %d; stderr:\n%s", strings.Join(tc.args, " "), code, tc.want, stderr)
			}
			if tc.want == report.ExitError && !strings.Contains(stderr, "kubestride:") {
				t.Errorf("a failing run must say why on stderr; got %q", stderr)
			}
		})
	}
}

func TestStdin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "payments", "ledger.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, string(data), "scan", "-f", "json", "-")
	if code != report.ExitFindings {
		t.Fatalf("exit code = %d, want %d", code, report.ExitFindings)
	}
	r := decodeReport(t, out)
	if len(r.Findings) == 0 {
		t.Fatal("no findings from stdin")
	}
	for _, f := range r.Findings {
		if f.Location == nil || f.Location.File != "<stdin>" || f.Location.Line == 0 {
			t.Fatalf("finding %s location = %+v, want <stdin> with a line", f.ID, f.Location)
		}
	}
}

// TestBadInput feeds each kind of bad input beside a good file: the error
// names the file (and line where known), the good file is still scanned, and
// the exit code is 2.
func TestBadInput(t *testing.T) {
	good := "apiVersion: v1\nkind: Pod\nmetadata: {name: good}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext: {privileged: true}\n"
	bomb := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += "  " + n + ": &" + n + " [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]\n"
		prev = n
	}
	tests := []struct {
		name, content, wantLine string
		symlinkLoop             bool
	}{
		{name: "malformed YAML", content: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [broken\n", wantLine: "bad.yaml:4: invalid YAML"},
		{name: "binary junk", content: "\x7fELF\x02\x01\x01\x00\x00\x00", wantLine: "bad.yaml:1: a NUL byte: not YAML or JSON text"},
		{name: "wrong field type", content: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: \"yes please\"\n", wantLine: `bad.yaml:5: Pod "p": field spec.hostNetwork: a boolean is required, not a string`},
		{name: "no kind", content: "apiVersion: v1\nmetadata: {name: p}\n", wantLine: `bad.yaml:1: document with apiVersion "v1" has no kind`},
		{name: "no apiVersion", content: "kind: Pod\nmetadata: {name: p}\n", wantLine: "bad.yaml:1: Pod has no apiVersion"},
		{name: "alias bomb", content: bomb, wantLine: "bad.yaml:1: document expands YAML aliases"},
		{name: "deep nesting", content: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: " + strings.Repeat("[", 3000) + strings.Repeat("]", 3000) + "\n", wantLine: "bad.yaml:1: document nests deeper than"},
		{name: "symlink loop", symlinkLoop: true, wantLine: "directory already scanned (a symlink loop or a repeated path)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "good.yaml"), []byte(good), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.symlinkLoop {
				if err := os.Symlink(dir, filepath.Join(dir, "loop")); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			var out, stderr string
			var code int
			go func() {
				defer close(done)
				out, stderr, code = run(t, "", "scan", "-f", "json", dir)
			}()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				t.Fatal("scan did not finish within a minute")
			}
			if code != report.ExitError {
				t.Errorf("exit code = %d, want %d", code, report.ExitError)
			}
			if !strings.Contains(stderr, tc.wantLine) {
				t.Errorf("stderr does not name the problem %q:\n%s", tc.wantLine, stderr)
			}
			r := decodeReport(t, out)
			if len(r.Errors) != 1 {
				t.Errorf("report errors = %+v, want one", r.Errors)
			}
			found := false
			for _, f := range r.Findings {
				if f.Resource.Name == "good" && f.ID == "pss-privileged" {
					found = true
				}
			}
			if !found {
				t.Error("the good file was not scanned")
			}
		})
	}
}

// TestSecretsNeverLeave scans manifests holding secret values in every way
// the checks look at, in every format, and requires that no value appears
// in the output or the error stream.
func TestSecretsNeverLeave(t *testing.T) {
	secrets := []string{
		"s3cr3t-Pa55w0rd-for-ledger",
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8h3kLmN2",
		"ghp_0123456789abcdefghijklmnopqrstuvwxyZ",
		"hunter2-but-longer-Z9",
		"YXBpLXRva2VuLXZhbHVlLTQy", // base64, as a Secret's data holds it
		"api-token-value-42",       // the same, decoded
	}
	manifest := `apiVersion: v1
kind: Pod
metadata: {name: leaky, namespace: app}
spec:
  containers:
  - name: app
    image: nginx
    env:
    - {name: DB_PASSWORD, value: "` + secrets[0] + `"}
    - {name: AWS_SECRET_ACCESS_KEY, value: "` + secrets[1] + `"}
    - {name: NOTES, value: "token ` + secrets[2] + `"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: leaky, namespace: app}
data:
  password: "` + secrets[3] + `"
  github: "` + secrets[2] + `"
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: app}
stringData:
  password: "` + secrets[3] + `"
---
apiVersion: v1
kind: Secret
metadata: {name: broken, namespace: app}
data:
  password: "` + secrets[3] + `"
---
apiVersion: v1
kind: Secret
metadata: {name: encoded, namespace: app}
data:
  api-token: "` + secrets[4] + `"
---
apiVersion: v1
kind: ConfigMap
metadata: {name: typed, namespace: app}
data:
  password: !!int ` + secrets[3] + `
`
	for _, format := range []string{"json", "table", "sarif", "junit", "markdown", "html", "policyreport"} {
		t.Run(format, func(t *testing.T) {
			out, stderr, _ := run(t, manifest, "scan", "--format", format, "-")
			for _, s := range secrets {
				if strings.Contains(out, s) || strings.Contains(stderr, s) {
					t.Errorf("secret value %q printed", s)
				}
			}
			if !strings.Contains(out, "DB_PASSWORD") && !strings.Contains(out, `DB\_PASSWORD`) {
				t.Error("the report does not name the env var holding the secret")
			}
			if format == "json" && !strings.Contains(out, `secret \"encoded\" must not set data values in a manifest (key \"api-token\")`) {
				t.Error("the report does not name the key of the committed Secret")
			}
		})
	}
}

// TestManyErrorsOnStderr: stderr lists the first errors and refers to the
// report for the rest, which lists them all (one file keeps 20, then one
// that counts the others).
func TestManyErrorsOnStderr(t *testing.T) {
	var in strings.Builder
	for i := 0; i < 25; i++ {
		in.WriteString("---\nkind: Pod\nmetadata: {name: p}\n")
	}
	f := filepath.Join(t.TempDir(), "more.yaml")
	if err := os.WriteFile(f, []byte(strings.Repeat("---\nkind: Pod\nmetadata: {name: p}\n", 5)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := run(t, in.String(), "scan", "-f", "json", "-", f)
	if code != report.ExitError {
		t.Fatalf("exit code = %d, want %d", code, report.ExitError)
	}
	if got := strings.Count(stderr, "Pod has no apiVersion"); got != maxStderrErrors {
		t.Errorf("stderr lists %d errors, want %d", got, maxStderrErrors)
	}
	if !strings.Contains(stderr, "... and 6 more (the report lists them all)") {
		t.Errorf("stderr does not refer to the report for the rest:\n%s", stderr)
	}
	r := decodeReport(t, out)
	if len(r.Errors) != 26 {
		t.Errorf("report lists %d errors, want 26", len(r.Errors))
	}
	if !slices.ContainsFunc(r.Errors, func(e report.Error) bool {
		return e.Message == "5 more errors in this file not shown, from this line on"
	}) {
		t.Errorf("no error counts the errors not shown: %v", r.Errors)
	}
}

// TestStderrShowsControls: values from the input reach standard error (a
// kind, a file name, a name in a notice, a flag's value) with their control
// and bidi characters shown as escapes, never sent to the terminal.
func TestStderrShowsControls(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no\x1b[2Jpe\u2028.yaml")
	notice := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"p\u202eevil\u2066\"\n  annotations: {kubestride.io/ignore.pss-privileged: \"\"}\n" +
		"spec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext: {privileged: true}\n"
	noticeFile := filepath.Join(dir, "notice\u200f.yaml")
	if err := os.WriteFile(noticeFile, []byte(notice), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, stdin string
		args        []string
		want        []string
	}{
		{"kind in an error", "kind: \"\\e]0;pwned\\a\"\nmetadata: {name: x}\n", []string{"scan", "-f", "json", "-"},
			[]string{`<stdin>:1: \x1b]0;pwned\x07`}},
		{"file name in an error", "", []string{"scan", "-f", "json", missing},
			[]string{`no\x1b[2Jpe\u2028.yaml`}},
		{"name in a notice", "", []string{"scan", "-f", "json", noticeFile},
			[]string{"kubestride: 2 notices:", `notice\u200f.yaml:5: Pod "p\u202eevil\u2066": annotation kubestride.io/ignore.pss-privileged has no reason`}},
		{"flag value in a usage error", "", []string{"scan", "--format", "\x1b[2J\u202e", "-"},
			[]string{`kubestride: --format: unknown format "\x1b[2J\u202e"`}},
		{"file name in an rbac error", "", []string{"rbac", "can", "user:alice", missing},
			[]string{`no\x1b[2Jpe\u2028.yaml`}},
		{"error in markdown", "kind: \"\\e[2J\"\nmetadata: {name: x}\n", []string{"scan", "-f", "markdown", "-"},
			[]string{`<stdin>:1: \x1b[2J`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := run(t, tc.stdin, tc.args...)
			if code != report.ExitError && code != report.ExitFindings {
				t.Errorf("exit code = %d", code)
			}
			for _, r := range stderr {
				if textsafe.Unsafe(r) && r != '\n' {
					t.Errorf("stderr holds a raw U+%04X:\n%q", r, stderr)
				}
			}
			for _, want := range tc.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not show %q:\n%s", want, stderr)
				}
			}
		})
	}
}

// TestRBACAnswerShowsControls: names in an rbac answer table come from the
// input and are shown escaped.
func TestRBACAnswerShowsControls(t *testing.T) {
	manifest := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: \"r\u202eeg\"}\n" +
		"rules: [{apiGroups: [\"\"], resources: [secrets], verbs: [get]}]\n---\n" +
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: \"b\u2066\"}\n" +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: \"r\u202eeg\"}\n" +
		"subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: \"al\u200fice\"}]\n"
	out, stderr, code := run(t, manifest, "rbac", "who-can", "get", "secrets", "-")
	if code != report.ExitOK {
		t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
	}
	for _, r := range out {
		if textsafe.Unsafe(r) && r != '\n' {
			t.Errorf("answer holds a raw U+%04X:\n%q", r, out)
		}
	}
	for _, want := range []string{`al\u200fice`, `ClusterRoleBinding b\u2066`, `ClusterRole r\u202eeg`} {
		if !strings.Contains(out, want) {
			t.Errorf("answer does not show %q:\n%s", want, out)
		}
	}
}

// TestEmptyInput: input that holds no Kubernetes object is an input error
// (exit 2) unless --allow-empty, so that a failed `helm template | kubestride
// scan -` does not pass; standard input that yields nothing is one even
// beside other paths.
func TestEmptyInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.yaml", "")
	comments := write("comments.yaml", "# generated\n---\n# nothing here\n---\n")
	clean := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: app}\ndata: {LOG_LEVEL: info}\n"
	cleanFile := write("clean.yaml", clean)
	emptyDir := filepath.Join(dir, "nothing")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	const msg = "no Kubernetes objects in the input"
	tests := []struct {
		name, stdin string
		args        []string
		want        int
		// errFile is the file the error names ("" for none expected,
		// "-" for an error without a file).
		errFile string
	}{
		{"empty stdin", "", []string{"scan", "-f", "json", "-"}, report.ExitError, "<stdin>"},
		{"stdin with only comments", "# nothing\n---\n---\n", []string{"scan", "-f", "json", "-"}, report.ExitError, "<stdin>"},
		{"empty file", "", []string{"scan", "-f", "json", empty}, report.ExitError, empty},
		{"file with only comments", "", []string{"scan", "-f", "json", comments}, report.ExitError, comments},
		{"empty directory", "", []string{"scan", "-f", "json", emptyDir}, report.ExitError, emptyDir},
		{"empty files", "", []string{"scan", "-f", "json", empty, comments}, report.ExitError, "-"},
		{"empty stdin beside a file with objects", "", []string{"scan", "-f", "json", cleanFile, "-"}, report.ExitError, "<stdin>"},
		{"an empty file beside one with objects", "", []string{"scan", "-f", "json", cleanFile, empty}, report.ExitOK, ""},
		{"stdin with objects beside an empty file", clean, []string{"scan", "-f", "json", "-", empty}, report.ExitOK, ""},
		{"allowed empty stdin", "", []string{"scan", "-f", "json", "--allow-empty", "-"}, report.ExitOK, ""},
		{"allowed empty file", "", []string{"scan", "-f", "json", "--allow-empty", empty}, report.ExitOK, ""},
		{"rbac risky on empty stdin", "", []string{"rbac", "risky", "-f", "json", "-"}, report.ExitError, "<stdin>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := run(t, tc.stdin, tc.args...)
			if code != tc.want {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tc.want, stderr)
			}
			r := decodeReport(t, out)
			var got []report.Error
			for _, e := range r.Errors {
				if strings.HasPrefix(e.Message, msg) {
					got = append(got, e)
				}
			}
			switch {
			case tc.errFile == "" && len(got) > 0:
				t.Errorf("errors = %+v, want none about empty input", got)
			case tc.errFile == "":
			case len(got) != 1 || len(r.Errors) != 1:
				t.Errorf("errors = %+v, want one about empty input", r.Errors)
			case tc.errFile == "-" && got[0].File != "", tc.errFile != "-" && got[0].File != tc.errFile:
				t.Errorf("error names %q, want %q", got[0].File, tc.errFile)
			case !strings.Contains(stderr, msg):
				t.Errorf("stderr does not say %q:\n%s", msg, stderr)
			}
		})
	}

	// A file with objects beside empty stdin is still scanned.
	out, _, _ := run(t, "", "scan", "-f", "json", filepath.Join("..", "..", "examples", "payments", "ledger.yaml"), "-")
	if r := decodeReport(t, out); len(r.Findings) == 0 {
		t.Error("the file beside empty standard input was not scanned")
	}
}

// TestEmptyInputRBAC: the rbac questions read manifests the same way.
func TestEmptyInputRBAC(t *testing.T) {
	binding := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\n" +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n" +
		"subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]\n"
	tests := []struct {
		name, stdin string
		args        []string
		want        int
	}{
		{"can on empty stdin", "", []string{"rbac", "can", "user:alice", "-"}, report.ExitError},
		{"who-can on stdin with only comments", "# helm failed\n", []string{"rbac", "who-can", "get", "pods", "-"}, report.ExitError},
		{"paths on empty stdin", "", []string{"rbac", "paths", "-"}, report.ExitError},
		{"can, allowed empty", "", []string{"rbac", "can", "user:alice", "--allow-empty", "-"}, report.ExitOK},
		{"can on objects", binding, []string{"rbac", "can", "user:alice", "-"}, report.ExitOK},
		{"allow-empty with --cluster", "", []string{"rbac", "can", "user:alice", "--allow-empty", "--cluster"}, report.ExitError},
		{"scan allow-empty with --cluster", "", []string{"scan", "--allow-empty", "--cluster"}, report.ExitError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := run(t, tc.stdin, tc.args...)
			if code != tc.want {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tc.want, stderr)
			}
			if tc.want == report.ExitError && !strings.Contains(stderr, "kubestride:") {
				t.Errorf("stderr does not say why:\n%s", stderr)
			}
			if tc.want == report.ExitError && !strings.Contains(tc.name, "--cluster") {
				if !strings.Contains(stderr, "<stdin>: no Kubernetes objects in the input") {
					t.Errorf("stderr does not name the empty input:\n%s", stderr)
				}
			}
		})
	}
}

// TestSkippedFilesAreNotices: a repository's chart and CI file are notices,
// not errors, beside a manifest; alone they leave nothing scanned, which is
// the empty-input error.
func TestSkippedFilesAreNotices(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"chart/Chart.yaml": "apiVersion: v2\nname: x\nversion: 0.1.0\n",
		"ci.yml":           "stages: [build]\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, _, code := run(t, "", "scan", "-f", "json", dir)
	r := decodeReport(t, out)
	if code != report.ExitError || len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "no Kubernetes objects") || len(r.Notices) != 2 {
		t.Errorf("only skipped files: exit %d, errors %v, notices %v; want exit 2, the empty-input error and 2 notices", code, r.Errors, r.Notices)
	}
	if err := os.WriteFile(filepath.Join(dir, "cm.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: apps}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = run(t, "", "scan", "-f", "json", "--fail-on", "critical", dir)
	r = decodeReport(t, out)
	if code != report.ExitOK || len(r.Errors) != 0 || len(r.Notices) != 2 {
		t.Errorf("with a manifest: exit %d, errors %v, notices %v; want exit 0, no errors and 2 notices", code, r.Errors, r.Notices)
	}
}

// TestMinSeverityAndExclude: --min-severity leaves out lower findings and
// says how many; --exclude passes over matching files and directories.
func TestMinSeverityAndExclude(t *testing.T) {
	chdirRoot(t)
	all, _, _ := run(t, "", "scan", "-f", "json", "examples")
	r := decodeReport(t, all)
	below := 0
	for _, f := range r.Findings {
		if f.Severity < check.High && f.Suppressed == nil {
			below++
		}
	}
	out, _, _ := run(t, "", "scan", "-f", "json", "--min-severity", "high", "examples")
	h := decodeReport(t, out)
	for _, f := range h.Findings {
		if f.Severity < check.High {
			t.Errorf("%s (%s) is below --min-severity high", f.ID, f.Severity)
		}
	}
	if below == 0 || len(h.Findings) == 0 {
		t.Fatalf("examples give %d findings below high and %d at or above: nothing to test", below, len(h.Findings))
	}
	if !slices.ContainsFunc(h.Notices, func(n report.Notice) bool {
		return strings.HasSuffix(n.Message, "findings below high are not shown (--min-severity)")
	}) {
		t.Errorf("no notice counts the findings left out: %v", h.Notices)
	}
	if _, _, code := run(t, "", "scan", "--min-severity", "severe", "examples"); code != report.ExitError {
		t.Errorf("--min-severity severe: exit %d, want %d", code, report.ExitError)
	}

	out, _, _ = run(t, "", "scan", "-f", "json", "--exclude", "platform", "--exclude", "*cronjob*", "examples")
	for _, f := range decodeReport(t, out).Findings {
		if f.Location != nil && (strings.Contains(f.Location.File, "platform") || strings.Contains(f.Location.File, "cronjob")) {
			t.Errorf("%s is excluded but scanned", f.Location.File)
		}
	}
	if _, _, code := run(t, "", "scan", "--exclude", "[", "examples"); code != report.ExitError {
		t.Errorf("--exclude '[': exit %d, want %d", code, report.ExitError)
	}
}
