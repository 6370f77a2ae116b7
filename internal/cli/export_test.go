package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/report"
)

// TestExportGolden pins the policies export writes, and what it says it
// left out.
func TestExportGolden(t *testing.T) {
	chdirRoot(t)
	out, stderr, code := run(t, "", "export", "--to", "vap", "--level", "baseline", "--version", "v1.31",
		"--checks", "pss-privileged,pss-sysctls,pss-run-as-user,image-latest-tag,rbac-wildcard",
		"--actions", "Warn,Audit", "--namespace-selector", "team=payments")
	if code != report.ExitOK {
		t.Fatalf("exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	golden.Check(t, filepath.Join("internal", "cli", "testdata", "export", "vap.yaml.golden"), []byte(out))
	golden.Check(t, filepath.Join("internal", "cli", "testdata", "export", "vap.stderr.golden"), []byte(stderr))
	if n := strings.Count(out, "kind: ValidatingAdmissionPolicy\n"); n != 3 {
		t.Errorf("%d policies, want 3 (pss-privileged, pss-sysctls, image-latest-tag)", n)
	}
}

func TestExportUsage(t *testing.T) {
	chdirRoot(t)
	for _, args := range [][]string{
		{"export", "--to", "kyverno"},
		{"export", "--checks", "no-such-check"},
		{"export", "--actions", "Deny,Warn"},
		{"export", "--level", "strict"},
		{"export", "--checks", "rbac-wildcard"},
	} {
		if _, stderr, code := run(t, "", args...); code != report.ExitError {
			t.Errorf("%v: exit code = %d, want %d; stderr: %s", args, code, report.ExitError, stderr)
		}
	}
}
