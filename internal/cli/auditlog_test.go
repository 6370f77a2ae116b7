package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/kubestride/kubestride/internal/auditlog/auditlogtest"
	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/report"
)

// incident is a small scripted incident: mallory probes with a stolen
// token, binds herself cluster-admin, reads secrets, runs a privileged pod
// and exec's into it, then deletes the binding; an anonymous scan and a bad
// token beside it, and alice's ordinary work.
func incident() string {
	const rbac = "rbac.authorization.k8s.io"
	crb := `{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"debug"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"User","name":"mallory"}]}`
	priv := `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"shell","namespace":"default"},"spec":{"hostPID":true,"containers":[{"name":"sh","image":"busybox","securityContext":{"privileged":true}}]}}`
	secret := `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"payments"},"data":{"password":"aHVudGVyMg=="}}`
	m := func(e E) E {
		e.User, e.IP, e.UA = "mallory", "203.0.113.66", "kubectl/v1.37.2 (linux/amd64) kubernetes/7d3a4b1"
		return e
	}
	events := []E{
		{User: "alice", Verb: "get", Resource: "pods", NS: "web", Name: "f-1"},
		{User: "system:anonymous", Verb: "get", URI: "/api/v1/secrets", IP: "198.51.100.7", UA: "python-requests/2.32", Code: 403, At: time.Second},
		{Verb: "get", URI: "/api/v1/namespaces", IP: "198.51.100.7", UA: "python-requests/2.32", Code: 401, At: 2 * time.Second},
	}
	for i := range 4 {
		events = append(events, m(E{Verb: "list", Resource: []string{"secrets", "nodes", "clusterroles", "pods"}[i], Code: 403, At: time.Minute + time.Duration(i)*time.Second}))
	}
	events = append(events,
		m(E{Verb: "create", Resource: "clusterrolebindings", Group: rbac, Name: "debug", Code: 201, Req: crb, At: 2 * time.Minute}),
		m(E{Verb: "get", Resource: "secrets", NS: "payments", Name: "db", Resp: secret, At: 3 * time.Minute}),
		m(E{Verb: "create", Resource: "pods", NS: "default", Name: "shell", Code: 201, Req: priv, At: 4 * time.Minute}),
		m(E{Verb: "create", Resource: "pods", Sub: "exec", NS: "default", Name: "shell", Code: 101, At: 5 * time.Minute}),
		E{User: "alice", As: "system:serviceaccount:web:frontend", Verb: "list", Resource: "configmaps", NS: "web", At: 6 * time.Minute},
		m(E{Verb: "delete", Resource: "pods", NS: "default", Name: "shell", At: 7 * time.Minute}),
		m(E{Verb: "delete", Resource: "clusterrolebindings", Group: rbac, Name: "debug", At: 8 * time.Minute}),
	)
	return Log(events...)
}

func auditDir(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

// TestAuditLogQueryGolden answers "who deleted this object, when, from
// where, with what client" as a timeline table.
func TestAuditLogQueryGolden(t *testing.T) {
	wd, _ := os.Getwd()
	root := filepath.Join(wd, "..", "..")
	auditDir(t, map[string]string{"audit.log": incident()})
	for name, args := range map[string][]string{
		"query-deletes.table": {"--verb", "delete"},
		"query-mallory.csv":   {"--user", "mallory", "--resource", "pods/*", "-f", "csv"},
		"query-all.table":     {},
	} {
		t.Run(name, func(t *testing.T) {
			format := []string{"-f", "table"}
			if strings.HasSuffix(name, ".csv") {
				format = nil
			}
			out, stderr, code := run(t, "", append(append([]string{"auditlog", "query", "audit.log"}, format...), args...)...)
			if code != 0 || stderr != "" {
				t.Errorf("exit code %d, stderr:\n%s", code, stderr)
			}
			golden.Check(t, filepath.Join(root, "internal", "cli", "testdata", "auditlog", name+".golden"), []byte(out))
		})
	}
}

// TestAuditLogReportGolden reports the incident in the table and JSON
// formats: the findings name who did what, and the exit code is 1 (a
// critical finding).
func TestAuditLogReportGolden(t *testing.T) {
	wd, _ := os.Getwd()
	root := filepath.Join(wd, "..", "..")
	auditDir(t, map[string]string{"audit.log": incident()})
	for _, format := range []string{"table", "json"} {
		t.Run(format, func(t *testing.T) {
			out, stderr, code := run(t, "", "auditlog", "report", "--forbidden-threshold", "4", "-f", format, "audit.log")
			if code != report.ExitFindings {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, report.ExitFindings, stderr)
			}
			if strings.Contains(out, "aHVudGVyMg") {
				t.Error("the report shows a secret value")
			}
			golden.Check(t, filepath.Join(root, "internal", "cli", "testdata", "auditlog", "report."+format+".golden"), []byte(out))
		})
	}
}

// TestAuditLogBadInput: lines that cannot be read are reported with file
// and line, the rest is still read, and the exit code is 2.
func TestAuditLogBadInput(t *testing.T) {
	good := incident()
	auditDir(t, map[string]string{"audit.log": "not json\n" + good + good[:80]})
	out, stderr, code := run(t, "", "auditlog", "query", "-f", "csv", "--verb", "delete", "audit.log")
	if code != report.ExitError {
		t.Errorf("query exit code %d, want 2", code)
	}
	if !strings.Contains(stderr, "audit.log:1: not an audit event") || !strings.Contains(stderr, "audit.log:16: line cut short") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if strings.Count(out, "\n") != 3 {
		t.Errorf("the two deletes are not all printed:\n%s", out)
	}
	out, _, code = run(t, "", "auditlog", "report", "-f", "json", "audit.log")
	r := decodeReport(t, out)
	if code != report.ExitError || len(r.Errors) != 2 || r.Errors[0].File != "audit.log" || r.Errors[0].Line != 1 || len(r.Findings) == 0 {
		t.Errorf("report exit code %d, errors %+v, %d findings", code, r.Errors, len(r.Findings))
	}
}
