package cli

import (
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/report"
)

// TestGroupBy: --group-by regroups the table, leaves the other formats as
// they are, and rejects a grouping it does not know.
func TestGroupBy(t *testing.T) {
	chdirRoot(t)
	byCategory, _, _ := run(t, "", "scan", "-f", "table", "examples")
	byCheck, _, _ := run(t, "", "scan", "-f", "table", "--group-by", "check", "examples")
	byResource, _, _ := run(t, "", "scan", "-f", "table", "--group-by", "resource", "examples")
	if !strings.Contains(byCategory, "\nElevationOfPrivilege (") && !strings.HasPrefix(byCategory, "ElevationOfPrivilege (") {
		t.Fatalf("default table is not grouped by category:\n%s", byCategory)
	}
	explicit, _, _ := run(t, "", "scan", "-f", "table", "--group-by", "category", "examples")
	if explicit != byCategory {
		t.Errorf("--group-by category differs from the default")
	}
	for name, out := range map[string]string{"check": byCheck, "resource": byResource} {
		if out == byCategory {
			t.Errorf("--group-by %s: table unchanged", name)
		}
		if strings.Contains(out, "ElevationOfPrivilege (") {
			t.Errorf("--group-by %s: table still has category headings:\n%s", name, out)
		}
		if !strings.Contains(out, "\nSummary: ") {
			t.Errorf("--group-by %s: no summary:\n%s", name, out)
		}
	}
	if !strings.Contains(byCheck, "\npss-privileged: ") {
		t.Errorf("--group-by check: no heading for pss-privileged:\n%s", byCheck)
	}
	if !strings.Contains(byResource, "\nDeployment ") && !strings.HasPrefix(byResource, "Deployment ") {
		t.Errorf("--group-by resource: no heading for a Deployment:\n%s", byResource)
	}

	plain, _, _ := run(t, "", "scan", "-f", "json", "examples")
	grouped, _, _ := run(t, "", "scan", "-f", "json", "--group-by", "resource", "examples")
	if plain != grouped {
		t.Errorf("--group-by changes the JSON report")
	}

	_, errOut, code := run(t, "", "scan", "--group-by", "namespace", "examples")
	if code != report.ExitError || !strings.Contains(errOut, "--group-by") {
		t.Errorf("--group-by namespace: exit %d, stderr %q; want exit %d naming --group-by", code, errOut, report.ExitError)
	}
}
