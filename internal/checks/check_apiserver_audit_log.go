package checks

// Without an audit backend the kube-apiserver keeps no record of who did
// what: a log file (--audit-log-path) or a webhook
// (--audit-webhook-config-file). Either records nothing without a policy
// (--audit-policy-file): with no policy every request is at level None.
// A log file is rotated at --audit-log-maxsize megabytes (100 when 0 or
// not set) and old files are kept --audit-log-maxage days and
// --audit-log-maxbackup files (without limit when 0 or not set); limits
// set lower than 30 days, 10 files or 100 megabytes lose the trail before
// an incident is noticed. --audit-log-path=- writes to standard output,
// which lives only as long as the container log (the kubelet rotates it at
// 10Mi, five files, by default).
//
// Inspected: those flags of every kube-apiserver (static pod or process).
// Allowed: a log file or a webhook, a policy file, and a log file's limits,
// where set, at least 30 days, 10 files and 100 megabytes. The policy's
// content is judged by the audit policy checks.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-audit-log",
		Title:       "API server audit log missing or short-lived",
		Category:    check.Repudiation,
		Severity:    check.High,
		Description: "Without an audit log file (--audit-log-path) or webhook (--audit-webhook-config-file) and an audit policy (--audit-policy-file), the kube-apiserver records nothing of who read or changed what. Retention limits set below 30 days, 10 files or 100 megabytes discard the trail before most incidents are found.",
		Remediation: "Set --audit-policy-file and --audit-log-path (or --audit-webhook-config-file to ship events off the node) on the kube-apiserver, with --audit-log-maxage=30, --audit-log-maxbackup=10 and --audit-log-maxsize=100 or more.",
		CIS:         "1.2.16, 1.2.17, 1.2.18, 1.2.19",
		References: []string{
			"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/",
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			out = append(out, auditLogFindings(c)...)
		}
		return out
	}))
}

// auditLogLimits are the retention flags of an audit log file and the
// least each should be when set.
var auditLogLimits = []struct {
	flag, unit string
	least      int
}{
	{"audit-log-maxage", "day", 30},
	{"audit-log-maxbackup", "file", 10},
	{"audit-log-maxsize", "megabyte", 100},
}

func auditLogFindings(c *host.Component) []check.Finding {
	const reason = "no audit trail"
	var out []check.Finding
	path, logged := flagGiven(c, "audit-log-path")
	_, webhook := flagGiven(c, "audit-webhook-config-file")
	if !logged && !webhook {
		return append(out, flagMissing(c, "audit-log-path", reason,
			fmt.Sprintf("%s must set --audit-log-path or --audit-webhook-config-file (no audit events are recorded by default)", c)))
	}
	if _, ok := flagGiven(c, "audit-policy-file"); !ok {
		out = append(out, flagMissing(c, "audit-policy-file", reason,
			fmt.Sprintf("%s must set --audit-policy-file (without a policy no audit events are recorded)", c)))
	}
	if !logged {
		return out
	}
	if strings.TrimSpace(path.Value) == "-" {
		fd := flagAt(c, path, "short audit retention",
			fmt.Sprintf("%s must write the audit log to a file or a webhook, not --audit-log-path=- (standard output is kept only as long as the container log)", c))
		fd.Severity = check.Medium
		return append(out, fd)
	}
	for _, l := range auditLogLimits {
		f, ok := c.Flag(l.flag)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(f.Value))
		if err != nil || n <= 0 || n >= l.least {
			continue // 0 is no limit (maxsize: 100); not a number: the API server does not start
		}
		fd := flagAt(c, f, "short audit retention",
			fmt.Sprintf("%s must set --%s to %s or more, not %s", c, l.flag, countNoun(l.least, l.unit), f.Value))
		fd.Severity = check.Medium
		out = append(out, fd)
	}
	return out
}
