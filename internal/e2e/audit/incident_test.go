package audit

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/cli"
	"github.com/kubestride/kubestride/internal/testcluster"
)

const setup = `apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData: {password: hunter2-e2e}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: shop}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-reads-secrets, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonate-alice}
rules: [{apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [alice]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bob-impersonates-alice}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-alice}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: binder}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create, get, delete]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [cluster-admin]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: eve-binds}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: eve}]
`

const privilegedPod = `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  hostPID: true
  containers:
  - name: shell
    image: busybox:1.36
    command: [sleep, "3600"]
    securityContext: {privileged: true}
`

// kubectl runs kubectl as user; ok says whether it must succeed.
func kubectl(t *testing.T, ctx context.Context, user string, ok bool, stdin string, args ...string) {
	t.Helper()
	var in []byte
	if stdin != "" {
		in = []byte(stdin)
	}
	out, errOut, err := cluster.Kubectl(ctx, user, in, args...)
	if ok && err != nil {
		t.Fatalf("kubectl %s as %s: %v\n%s%s", strings.Join(args, " "), user, err, out, errOut)
	}
	if !ok && err == nil {
		t.Fatalf("kubectl %s as %s succeeded, want a failure:\n%s", strings.Join(args, " "), user, out)
	}
	if !ok {
		t.Logf("kubectl %s as %s: %s", strings.Join(args, " "), user, strings.TrimSpace(errOut))
	}
}

// anonymous runs kubectl with the kubeconfig anon, which has no
// credentials the API server knows, and requires it to fail.
func anonymous(t *testing.T, ctx context.Context, anon string, args ...string) {
	t.Helper()
	bins, err := testcluster.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bins, "kubectl"), append([]string{"--kubeconfig=" + anon}, args...)...)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("kubectl %s without credentials succeeded:\n%s", strings.Join(args, " "), out)
	}
	t.Logf("kubectl %s without credentials: %s", strings.Join(args, " "), strings.TrimSpace(string(out)))
}

// reportFinding is what the test reads of a report's finding.
type reportFinding struct {
	ID         string `json:"id"`
	Severity   string `json:"severity"`
	Category   string `json:"category"`
	Message    string `json:"message"`
	AuditTrail *struct {
		Principal string `json:"principal"`
		Events    []struct {
			AuditID string `json:"auditID"`
		} `json:"events"`
	} `json:"auditTrail"`
}

// servedFinding is a "finding" line of the serve server's log.
type servedFinding struct {
	Msg       string   `json:"msg"`
	Check     string   `json:"check"`
	Severity  string   `json:"severity"`
	Category  string   `json:"category"`
	Principal string   `json:"principal"`
	Message   string   `json:"message"`
	AuditIDs  []string `json:"auditIDs"`
}

func served(t *testing.T) []servedFinding {
	t.Helper()
	var out []servedFinding
	for _, line := range strings.Split(serveLog.String(), "\n") {
		if line == "" {
			continue
		}
		var f servedFinding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("serve log line %q: %v", line, err)
		}
		if f.Msg == "finding" {
			out = append(out, f)
		}
	}
	return out
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb strings.Builder
	code = cli.Main(args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

// TestIncident scripts an incident through kubectl as several identities
// and requires that kubestride auditlog report names who did what, that
// auditlog query answers who deleted the cluster-admin binding, when,
// from where and with what client, and that auditlog serve, fed by the API
// server's audit webhook, reported the same findings live and counted the
// events.
func TestIncident(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := cluster.Namespace(ctx, "shop", nil); err != nil {
		t.Fatal(err)
	}
	kubectl(t, ctx, "admin", true, setup, "apply", "-f", "-")

	// bob reads a secret as alice.
	kubectl(t, ctx, "bob", true, "", "--as=alice", "get", "secret", "db", "-n", "shop", "-o", "name")
	// A request without credentials (the API server has no basic
	// authentication: a user name and password, which keep kubectl from
	// asking for them, are no credentials to it), and one with a token it
	// does not know.
	anon := filepath.Join(t.TempDir(), "anonymous.kubeconfig")
	if err := os.WriteFile(anon, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: %q, insecure-skip-tls-verify: true}}]
users: [{name: nobody, user: {username: nobody, password: none}}]
contexts: [{name: anonymous, context: {cluster: test, user: nobody}}]
current-context: anonymous
`, cluster.Host)), 0o600); err != nil {
		t.Fatal(err)
	}
	anonymous(t, ctx, anon, "get", "pods", "-n", "shop")
	kubectl(t, ctx, "mallory", false, "", "--token=not-a-token-of-this-cluster", "get", "pods", "-n", "shop")
	// mallory probes what she may do: a burst of denials.
	for _, r := range []string{"pods", "secrets", "configmaps", "services", "serviceaccounts", "roles", "rolebindings",
		"deployments", "daemonsets", "statefulsets", "jobs", "cronjobs"} {
		kubectl(t, ctx, "mallory", false, "", "get", r, "-n", "shop")
	}
	// eve grants herself cluster-admin, uses it, and removes the grant.
	kubectl(t, ctx, "eve", true, "", "create", "clusterrolebinding", "eve-admin", "--clusterrole=cluster-admin", "--user=eve")
	kubectl(t, ctx, "eve", true, "", "get", "secrets", "-A")
	kubectl(t, ctx, "eve", true, privilegedPod, "create", "-f", "-")
	// No kubelet runs the pod: the exec fails, but it is audited.
	kubectl(t, ctx, "eve", false, "", "exec", "-n", "shop", "debug", "--", "id")
	beforeDelete := time.Now().Add(-time.Second)
	kubectl(t, ctx, "eve", true, "", "delete", "clusterrolebinding", "eve-admin")
	afterDelete := time.Now().Add(time.Second)

	logged, err := os.ReadFile(cluster.AuditLog)
	if err != nil {
		t.Fatal(err)
	}
	loggedEvents := strings.Count(string(logged), "\n")
	if p := os.Getenv("KUBESTRIDE_AUDIT_LOG_COPY"); p != "" {
		// Keep the log, which the cluster's folder loses at the end.
		_ = os.WriteFile(p, logged, 0o600)
	}

	// The report, from the log file.
	code, reportOut, errOut := runCLI("auditlog", "report", cluster.AuditLog, "-f", "json",
		"--forbidden-threshold", strconv.Itoa(forbiddenThreshold), "--forbidden-window", forbiddenWindow.String())
	if code != 1 {
		t.Fatalf("auditlog report exited %d, want 1 (findings at or above high):\n%s", code, errOut)
	}
	var rep struct {
		Findings []reportFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(reportOut), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, reportOut)
	}
	has := func(id, principal, part string) *reportFinding {
		for i, f := range rep.Findings {
			if f.ID == id && f.AuditTrail != nil && f.AuditTrail.Principal == principal && strings.Contains(f.Message, part) {
				return &rep.Findings[i]
			}
		}
		return nil
	}
	for _, w := range []struct{ id, principal, part string }{
		{"auditlog-impersonation", "user:bob as user:alice", "get secrets shop/db allowed"},
		{"auditlog-secret-read", "user:bob as user:alice", "get shop/db"},
		{"auditlog-secret-read", "user:eve", "listed secrets across all namespaces"},
		{"auditlog-anonymous-request", "anonymous from 127.0.0.1", "anonymous list /api/v1/namespaces/shop/pods"},
		{"auditlog-anonymous-request", "unauthenticated from 127.0.0.1", "401 "},
		{"auditlog-forbidden-burst", "user:mallory", fmt.Sprintf("denied %d or more times", forbiddenThreshold)},
		{"auditlog-cluster-admin-binding", "user:eve", "created clusterrolebindings eve-admin binding cluster-admin to user:eve"},
		{"auditlog-rbac-change", "user:eve", "delete clusterrolebindings eve-admin"},
		{"auditlog-rbac-change", "user:admin", "create rolebindings shop/alice-reads-secrets"},
		{"auditlog-binding-covered-tracks", "user:eve", "the deleter is its creator"},
		{"auditlog-privileged-pod", "user:eve", "pods shop/debug"},
		{"auditlog-pod-exec", "user:eve", "pods/exec shop/debug"},
		{"auditlog-principal-activity", "user:mallory", "denied"},
	} {
		if has(w.id, w.principal, w.part) == nil {
			t.Errorf("the report has no %s finding about %s saying %q", w.id, w.principal, w.part)
		}
	}
	if t.Failed() {
		for _, f := range rep.Findings {
			if f.AuditTrail != nil && !strings.HasPrefix(f.AuditTrail.Principal, "user:system:") && !strings.HasPrefix(f.AuditTrail.Principal, "node:") {
				t.Logf("report: %s %s: %s", f.ID, f.AuditTrail.Principal, f.Message)
			}
		}
	}

	// Who deleted the binding, when, from where, with what client.
	code, out, errOut := runCLI("auditlog", "query", cluster.AuditLog, "--verb", "delete", "--resource", "clusterrolebindings", "--name", "eve-admin", "-f", "json")
	if code != 0 {
		t.Fatalf("auditlog query exited %d: %s", code, errOut)
	}
	type deletion struct {
		AuditID   string                    `json:"auditID"`
		User      struct{ Username string } `json:"user"`
		SourceIPs []string                  `json:"sourceIPs"`
		UserAgent string                    `json:"userAgent"`
		Received  time.Time                 `json:"requestReceivedTimestamp"`
		Response  struct{ Code int }        `json:"responseStatus"`
	}
	var deletions []deletion
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e deletion
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("query line %q: %v", sc.Text(), err)
		}
		deletions = append(deletions, e)
	}
	if len(deletions) != 1 {
		t.Fatalf("query found %d deletions of eve-admin, want 1:\n%s", len(deletions), out)
	}
	d := deletions[0]
	if d.User.Username != "eve" || !slices.Equal(d.SourceIPs, []string{"127.0.0.1"}) || !strings.HasPrefix(d.UserAgent, "kubectl/") ||
		d.Received.Before(beforeDelete) || d.Received.After(afterDelete) || d.Response.Code != 200 {
		t.Errorf("the deletion: %+v, want eve from 127.0.0.1 with kubectl between %s and %s", d, beforeDelete, afterDelete)
	}
	code, table, _ := runCLI("auditlog", "query", cluster.AuditLog, "--verb", "delete", "--name", "eve-admin", "-f", "table")
	if code != 0 || !strings.Contains(table, "user:eve") || !strings.Contains(table, "127.0.0.1") || !strings.Contains(table, "kubectl/") {
		t.Errorf("the table of the deletion (exit %d) does not say who, from where and with what:\n%s", code, table)
	}

	// The serve server, fed by the API server, reported the same findings
	// while it ran (windows close every 2 seconds), and counted the events.
	type key struct{ check, principal string }
	want := map[key]bool{}
	for _, f := range rep.Findings {
		if f.AuditTrail != nil {
			want[key{f.ID, f.AuditTrail.Principal}] = true
		}
	}
	var missing []key
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := map[key]bool{}
		for _, f := range served(t) {
			got[key{f.Check, f.Principal}] = true
		}
		missing = missing[:0]
		for k := range want {
			if !got[k] {
				missing = append(missing, k)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if len(missing) > 0 {
		t.Errorf("auditlog serve did not report %d of the report's findings (check, principal): %v", len(missing), missing)
	}
	// The cluster-admin binding rests on the same event in both.
	rf := has("auditlog-cluster-admin-binding", "user:eve", "eve-admin")
	var sf *servedFinding
	for _, f := range served(t) {
		if f.Check == "auditlog-cluster-admin-binding" && f.Principal == "user:eve" {
			sf = &f
			break
		}
	}
	if rf != nil && sf != nil {
		if len(rf.AuditTrail.Events) != 1 || !slices.Equal(sf.AuditIDs, []string{rf.AuditTrail.Events[0].AuditID}) || sf.Severity != rf.Severity || sf.Category != rf.Category || sf.Message != rf.Message {
			t.Errorf("the cluster-admin binding served %+v, reported %+v", *sf, *rf)
		}
	}
	metrics := scrape(t)
	var events int
	for k, v := range metrics {
		if strings.HasPrefix(k, "kubestride_auditlog_events_total{") {
			events += v
		}
	}
	if events < loggedEvents {
		t.Errorf("auditlog serve counted %d events, the log holds %d", events, loggedEvents)
	}
	for k, min := range map[string]int{
		`kubestride_auditlog_batches_total{code="200"}`:                                               1,
		`kubestride_auditlog_findings_total{check="auditlog-binding-covered-tracks",severity="high"}`: 1,
		`kubestride_auditlog_findings_total{check="auditlog-forbidden-burst",severity="high"}`:        1,
		`kubestride_auditlog_windows_total`:                                                           1,
	} {
		if metrics[k] < min {
			t.Errorf("metric %s is %d, want at least %d", k, metrics[k], min)
		}
	}
	if metrics["kubestride_auditlog_decode_errors_total"] != 0 {
		t.Errorf("auditlog serve could not read %d events", metrics["kubestride_auditlog_decode_errors_total"])
	}

	// The secret's value is in no output.
	_, secretEvents, _ := runCLI("auditlog", "query", cluster.AuditLog, "--resource", "secrets", "-f", "json")
	if !strings.Contains(secretEvents, `"name":"db"`) {
		t.Errorf("the query of secrets found no event about the secret db:\n%s", secretEvents)
	}
	for name, s := range map[string]string{"report": reportOut, "query": secretEvents, "serve log": serveLog.String()} {
		for _, v := range []string{"hunter2-e2e", base64.StdEncoding.EncodeToString([]byte("hunter2-e2e"))} {
			if strings.Contains(s, v) {
				t.Errorf("the %s holds the secret's value", name)
			}
		}
	}
	if t.Failed() {
		t.Logf("serve log:\n%s", tail(serveLog.String(), 60))
	}
}

// scrape reads the serve server's /metrics as name{labels} -> value.
func scrape(t *testing.T) map[string]int {
	t.Helper()
	resp, err := serveClient.Get(serveURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	line := regexp.MustCompile(`^(\S+) (\d+)$`)
	for _, l := range strings.Split(string(body), "\n") {
		if m := line.FindStringSubmatch(l); m != nil {
			out[m[1]], _ = strconv.Atoi(m[2])
		}
	}
	return out
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
