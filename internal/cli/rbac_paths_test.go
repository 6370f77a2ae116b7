package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/rbac"
	"github.com/kubestride/kubestride/internal/report"
)

// TestRBACPathsGolden pins every output format of rbac paths on an example
// with one path per edge kind that reaches cluster-admin, and exit code 1.
func TestRBACPathsGolden(t *testing.T) {
	chdirRoot(t)
	in := filepath.Join("internal", "cli", "testdata", "rbac-paths")
	for _, format := range []string{"table", "json", "dot", "mermaid"} {
		t.Run(format, func(t *testing.T) {
			out, stderr, code := run(t, "", "rbac", "paths", "--format", format, in)
			if code != report.ExitFindings {
				t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, report.ExitFindings, stderr)
			}
			golden.Check(t, filepath.Join("internal", "cli", "testdata", "rbac", "paths."+format+".golden"), []byte(out))
		})
	}
}

func TestRBACPathsExitCodes(t *testing.T) {
	chdirRoot(t)
	noPath := filepath.Join("internal", "cli", "testdata", "rbac")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"no path", []string{noPath}, report.ExitOK, "no subject can become cluster-admin-equivalent\n", ""},
		{"no path, json", []string{"-f", "json", noPath}, report.ExitOK, "{\n  \"paths\": []\n}\n", ""},
		{"no path, mermaid", []string{"-f", "mermaid", noPath}, report.ExitOK, "flowchart LR\n", ""},
		{"bad format", []string{"-f", "svg", noPath}, report.ExitError, "", `unknown format "svg" (want table, json, dot, mermaid)`},
		{"no input", nil, report.ExitError, "", "no input"},
		{"paths and cluster", []string{"--cluster", noPath}, report.ExitError, "", "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := run(t, "", append([]string{"rbac", "paths"}, tt.args...)...)
			if code != tt.wantCode || out != tt.wantOut || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit code %d, stdout %q, stderr %q; want %d, %q and %q", code, out, stderr, tt.wantCode, tt.wantOut, tt.wantErr)
			}
		})
	}
}

func TestRBACPathsUnreadableInput(t *testing.T) {
	_, stderr, code := run(t, "kind: [", "rbac", "paths", "-")
	if code != report.ExitError || !strings.Contains(stderr, "could not be read") {
		t.Errorf("exit code %d, stderr %q; want 2 and the error", code, stderr)
	}
}

func TestGraphQuoting(t *testing.T) {
	tests := []struct{ in, dot, mermaid string }{
		{`plain`, `"plain"`, `"plain"`},
		{`o"brien`, `"o\"brien"`, `"o#quot;brien"`},
		{"a\\b\nc", `"a\\b\nc"`, `"a\b<br>c"`},
		{`<x> #1`, `"<x> #1"`, `"#lt;x#gt; #35;1"`},
	}
	for _, tt := range tests {
		if got := dotQuote(tt.in); got != tt.dot {
			t.Errorf("dotQuote(%q) = %s, want %s", tt.in, got, tt.dot)
		}
		if got := mermaidQuote(tt.in); got != tt.mermaid {
			t.Errorf("mermaidQuote(%q) = %s, want %s", tt.in, got, tt.mermaid)
		}
	}
	if got := nodeText(rbac.ServiceAccount("ns", "sa")); got != "ServiceAccount\nns/sa" {
		t.Errorf("nodeText = %q", got)
	}
}
