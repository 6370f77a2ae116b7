package cli

import (
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/report"
)

// TestApplyNeedsAWholeClusterPolicyReportScan: --apply is refused, before
// anything is read, without --cluster, without --format policyreport, and
// with -n (the reports applied replace the last scan's).
func TestApplyNeedsAWholeClusterPolicyReportScan(t *testing.T) {
	chdirRoot(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--apply", "-f", "policyreport", "examples/"}, "--apply needs --cluster and --format policyreport"},
		{[]string{"scan", "--cluster", "--apply", "-f", "json", "--kubeconfig", "nope"}, "--apply needs --cluster and --format policyreport"},
		{[]string{"scan", "--cluster", "--apply", "--kubeconfig", "nope"}, "--apply needs --cluster and --format policyreport"},
		{[]string{"scan", "--cluster", "--apply", "-f", "policyreport", "-n", "payments", "--kubeconfig", "nope"}, "--apply needs a scan of the whole cluster, not -n"},
	} {
		out, stderr, code := run(t, "", c.args...)
		if code != report.ExitError || !strings.Contains(stderr, c.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, out, stderr, c.want)
		}
	}
}
