package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/report"
)

// TestRBACGolden pins the answers of the rbac commands on a small RBAC set
// with aggregation, a Role, resourceNames and a namespace's ServiceAccount
// group.
func TestRBACGolden(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join("internal", "cli", "testdata", "rbac")
	tests := []struct {
		golden string
		args   []string
	}{
		{"who-can-list-pods.table", []string{"who-can", "list", "pods", "-n", "shop"}},
		{"who-can-get-pods-log.json", []string{"who-can", "get", "pods/log", "--format", "json"}},
		{"who-can-patch-scale.table", []string{"who-can", "patch", "deployments.apps/scale", "-n", "shop"}},
		{"who-can-get-secret.json", []string{"who-can", "get", "secrets", "-n", "shop", "--name", "registry-pull", "-f", "json"}},
		{"who-can-delete-nodes.table", []string{"who-can", "delete", "nodes"}},
		{"can-ci.table", []string{"can", "serviceaccount:shop:ci"}},
		{"can-sre.json", []string{"can", "group:sre", "--format", "json"}},
		{"can-nobody.table", []string{"can", "user:nobody"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			args := append(append([]string{"rbac"}, tt.args...), dir)
			out, stderr, code := run(t, "", args...)
			if code != report.ExitOK {
				t.Fatalf("exit code = %d, want 0; stderr:\n%s", code, stderr)
			}
			golden.Check(t, filepath.Join(dir, tt.golden+".golden"), []byte(out))
		})
	}
}

func TestRBACUsageErrors(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join("internal", "cli", "testdata", "rbac")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown resource", []string{"who-can", "get", "widgets", dir}, `resource "widgets" is not a built-in one`},
		{"contradicting group", []string{"who-can", "get", "deployments.apps", "--group", "batch", dir}, `is in group "apps", not "batch"`},
		{"no input", []string{"who-can", "get", "pods"}, "no input"},
		{"paths and cluster", []string{"who-can", "get", "pods", "--cluster", dir}, "not both"},
		{"bad subject", []string{"can", "alice", dir}, "is not user:NAME"},
		{"bad format", []string{"can", "user:alice", "--format", "xml", dir}, "unknown format"},
		{"URL with namespace", []string{"who-can", "get", "/healthz", "-n", "x", dir}, "non-resource URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, "", append([]string{"rbac"}, tt.args...)...)
			if code != report.ExitError || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit code %d, stderr %q; want %d and %q", code, stderr, report.ExitError, tt.want)
			}
		})
	}
}

func TestRBACUnreadableInput(t *testing.T) {
	out, stderr, code := run(t, "kind: [", "rbac", "who-can", "get", "pods", "-")
	if code != report.ExitError || !strings.Contains(stderr, "could not be read") || !strings.Contains(out, "no subject is allowed") {
		t.Errorf("exit code %d, stdout %q, stderr %q; want 2, an answer and the error", code, out, stderr)
	}
}

// TestRBACRiskyGolden: rbac risky is the scan limited to the RBAC checks,
// with its exit code, on the examples (whose workloads the full scan
// reports under many other checks).
func TestRBACRiskyGolden(t *testing.T) {
	chdirRoot(t)
	out, stderr, code := run(t, "", "rbac", "risky", "examples", "--format", "table", "--color", "never")
	if code != report.ExitFindings {
		t.Fatalf("exit code = %d, want 1 (high findings); stderr:\n%s", code, stderr)
	}
	golden.Check(t, filepath.Join("internal", "cli", "testdata", "rbac", "risky.table.golden"), []byte(out))
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && (f[0] == "CRITICAL" || f[0] == "HIGH" || f[0] == "MEDIUM" || f[0] == "LOW" || f[0] == "INFO") &&
			!strings.HasPrefix(f[1], "rbac-") && f[1] != "cluster-admin-binding" {
			t.Errorf("rbac risky reports check %s, not an RBAC one", f[1])
		}
	}
}
