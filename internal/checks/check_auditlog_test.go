package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/auditlog"
	. "github.com/kubestride/kubestride/internal/auditlog/auditlogtest"
	"github.com/kubestride/kubestride/internal/check"
)

// auditFinding is what a test compares of an audit-log finding.
type auditFinding struct {
	Principal string
	Events    int
	Reason    string
	Detail    string
	Severity  check.Severity
}

// runAudit streams events, as log lines, through the check id alone.
func runAudit(t *testing.T, id check.ID, opts auditlog.Options, events ...E) []auditFinding {
	t.Helper()
	c, ok := check.Default().Get(id)
	if !ok {
		t.Fatalf("no check %s", id)
	}
	if c.Meta().Topic != check.TopicAuditLog {
		t.Fatalf("check %s has topic %s", id, c.Meta().Topic)
	}
	var got []auditFinding
	eng := auditlog.NewEngine([]check.Check{c}, opts, func(got_ check.ID, f check.Finding) {
		if got_ != id || f.AuditTrail == nil || f.Object != nil {
			t.Errorf("finding of %s about %+v", got_, f)
		}
		got = append(got, auditFinding{f.AuditTrail.Principal, len(f.AuditTrail.Events), f.Reason, f.Detail, f.Severity})
	})
	var e auditlog.Event
	for i, ev := range events {
		if err := auditlog.Decode([]byte(ev.Line()), &e); err != nil {
			t.Fatal(err)
		}
		eng.Observe(&e, auditlog.Position{File: "audit.log", Line: i + 1})
	}
	eng.Close()
	return got
}

type auditCase struct {
	name   string
	opts   auditlog.Options
	events []E
	want   []auditFinding
}

func runAuditCases(t *testing.T, id check.ID, cases []auditCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := runAudit(t, id, c.opts, c.events...)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

const sa = "system:serviceaccount:"

func TestAuditLogSecretRead(t *testing.T) {
	runAuditCases(t, "auditlog-secret-read", []auditCase{{
		name: "a person reads two secrets, one twice",
		events: []E{
			{User: "alice", Verb: "get", Resource: "secrets", NS: "payments", Name: "db"},
			{User: "alice", Verb: "get", Resource: "secrets", NS: "payments", Name: "db", At: time.Minute},
			{User: "alice", Verb: "get", Resource: "secrets", NS: "payments", Name: "api", At: 2 * time.Minute},
		},
		want: []auditFinding{{"user:alice", 3, "secrets read",
			"user:alice read secrets (get payments/db, get payments/api) 3 times between 2026-11-27T10:00:00Z and 2026-11-27T10:02:00Z", 0}},
	}, {
		name: "a service account in its own namespace, a denied read, a RequestReceived stage and a configmap pass",
		events: []E{
			{User: sa + "payments:ledger", Verb: "get", Resource: "secrets", NS: "payments", Name: "db"},
			{User: "bob", Verb: "get", Resource: "secrets", NS: "payments", Name: "db", Code: 403},
			{User: "bob", Verb: "get", Resource: "secrets", NS: "payments", Name: "db", Stage: "RequestReceived"},
			{User: "bob", Verb: "get", Resource: "configmaps", NS: "payments", Name: "db"},
		},
	}, {
		name:   "a service account outside its namespace",
		events: []E{{User: sa + "web:frontend", Verb: "get", Resource: "secrets", NS: "payments", Name: "db"}},
		want: []auditFinding{{"serviceaccount:web:frontend", 1, "secrets read",
			"serviceaccount:web:frontend read secrets outside its namespace (get payments/db) at 2026-11-27T10:00:00Z", check.High}},
	}, {
		name: "a list across all namespaces; components pass",
		events: []E{
			{User: sa + "tools:backup", Verb: "list", Resource: "secrets"},
			{User: "system:kube-controller-manager", Verb: "list", Resource: "secrets"},
		},
		want: []auditFinding{{"serviceaccount:tools:backup", 1, "secrets read",
			"serviceaccount:tools:backup listed secrets across all namespaces at 2026-11-27T10:00:00Z", check.High}},
	}, {
		name:   "impersonation is judged as the impersonated user",
		events: []E{{User: "alice", As: sa + "web:frontend", Verb: "get", Resource: "secrets", NS: "payments", Name: "db"}},
		want: []auditFinding{{"user:alice as serviceaccount:web:frontend", 1, "secrets read",
			"user:alice as serviceaccount:web:frontend read secrets outside its namespace (get payments/db) at 2026-11-27T10:00:00Z", check.High}},
	}})
}

const rbacGroup = "rbac.authorization.k8s.io"

func crb(name, role string, subjects string) string {
	return `{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"` + name + `"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"` + role + `"},"subjects":` + subjects + `}`
}

func TestAuditLogRBACChange(t *testing.T) {
	runAuditCases(t, "auditlog-rbac-change", []auditCase{{
		name: "changes by a person; reads, failures and the API server's reconciling pass",
		events: []E{
			{User: "alice", Verb: "create", Resource: "rolebindings", Group: rbacGroup, NS: "dev", Name: "edit", Code: 201},
			{User: "alice", Verb: "delete", Resource: "clusterroles", Group: rbacGroup, Name: "old", At: time.Second},
			{User: "alice", Verb: "get", Resource: "clusterroles", Group: rbacGroup, Name: "old"},
			{User: "alice", Verb: "delete", Resource: "clusterroles", Group: rbacGroup, Name: "admin", Code: 403},
			{User: "system:apiserver", Verb: "update", Resource: "clusterroles", Group: rbacGroup, Name: "admin"},
		},
		want: []auditFinding{{"user:alice", 2, "rbac changed",
			"user:alice changed RBAC (create rolebindings dev/edit, delete clusterroles old) 2 times between 2026-11-27T10:00:00Z and 2026-11-27T10:00:01Z", 0}},
	}})
}

func TestAuditLogClusterAdminBinding(t *testing.T) {
	runAuditCases(t, "auditlog-cluster-admin-binding", []auditCase{{
		name: "bound to cluster-admin; another role and a body not logged pass",
		events: []E{
			{User: "mallory", Verb: "create", Resource: "clusterrolebindings", Group: rbacGroup, Name: "x", Code: 201,
				Req: crb("x", "cluster-admin", `[{"kind":"User","name":"mallory"}]`)},
			{User: "alice", Verb: "create", Resource: "clusterrolebindings", Group: rbacGroup, Name: "y", Code: 201,
				Req: crb("y", "view", `[{"kind":"User","name":"bob"}]`)},
			{User: "alice", Verb: "create", Resource: "clusterrolebindings", Group: rbacGroup, Name: "z", Code: 201},
		},
		want: []auditFinding{{"user:mallory", 1, "cluster-admin granted",
			"user:mallory created clusterrolebindings x binding cluster-admin to user:mallory at 2026-11-27T10:00:00Z", 0}},
	}})
}

func TestAuditLogBindingCoveredTracks(t *testing.T) {
	create := func(user string, at time.Duration, subjects string) E {
		return E{User: user, Verb: "create", Resource: "clusterrolebindings", Group: rbacGroup, Name: "tmp", Code: 201, At: at,
			Req: crb("tmp", "cluster-admin", subjects)}
	}
	del := func(user string, at time.Duration) E {
		return E{User: user, Verb: "delete", Resource: "clusterrolebindings", Group: rbacGroup, Name: "tmp", At: at}
	}
	runAuditCases(t, "auditlog-binding-covered-tracks", []auditCase{{
		name: "created for a service account, used, deleted by it",
		events: []E{
			create("alice", 0, `[{"kind":"ServiceAccount","namespace":"web","name":"frontend"}]`),
			{User: sa + "web:frontend", Verb: "list", Resource: "secrets", At: time.Minute},
			{User: sa + "web:frontend", Verb: "get", Resource: "secrets", NS: "a", Name: "b", At: 2 * time.Minute},
			del(sa+"web:frontend", 5*time.Minute),
		},
		want: []auditFinding{{"serviceaccount:web:frontend", 2, "grant removed by its beneficiary",
			"serviceaccount:web:frontend deleted clusterrolebindings tmp (ClusterRole cluster-admin to serviceaccount:web:frontend) at 2026-11-27T10:05:00Z, 5m0s after user:alice created it; the deleter is its subject, and its subjects made 2 requests in between", 0}},
	}, {
		name:   "deleted by its creator",
		events: []E{create("mallory", 0, `[{"kind":"User","name":"mallory"}]`), del("mallory", time.Hour)},
		want: []auditFinding{{"user:mallory", 2, "grant removed by its beneficiary",
			"user:mallory deleted clusterrolebindings tmp (ClusterRole cluster-admin to user:mallory) at 2026-11-27T11:00:00Z, 1h0m0s after user:mallory created it; the deleter is its creator, and its subjects made 0 requests in between", 0}},
	}, {
		name:   "deleted by someone else, or after the window",
		events: []E{create("alice", 0, `[{"kind":"User","name":"bob"}]`), del("carol", time.Hour), create("alice", 2*time.Hour, `[]`), del("alice", 30*time.Hour)},
	}, {
		name:   "the window is configurable",
		opts:   auditlog.Options{CoverWindow: 48 * time.Hour},
		events: []E{create("alice", 0, `[]`), del("alice", 30*time.Hour)},
		want: []auditFinding{{"user:alice", 2, "grant removed by its beneficiary",
			"user:alice deleted clusterrolebindings tmp (ClusterRole cluster-admin to no subject) at 2026-11-28T16:00:00Z, 30h0m0s after user:alice created it; the deleter is its creator, and its subjects made 0 requests in between", 0}},
	}})
}

func TestAuditLogPodExec(t *testing.T) {
	runAuditCases(t, "auditlog-pod-exec", []auditCase{{
		name: "exec twice and a denied port-forward; logs pass",
		events: []E{
			{User: "alice", Verb: "create", Resource: "pods", Sub: "exec", NS: "payments", Name: "ledger-0", Code: 101},
			{User: "alice", Verb: "create", Resource: "pods", Sub: "exec", NS: "payments", Name: "ledger-0", Code: 101, At: time.Minute},
			{User: "bob", Verb: "create", Resource: "pods", Sub: "portforward", NS: "payments", Name: "ledger-0", Code: 403},
			{User: "bob", Verb: "get", Resource: "pods", Sub: "log", NS: "payments", Name: "ledger-0"},
		},
		want: []auditFinding{
			{"user:alice", 2, "session into a pod", "user:alice used pods/exec payments/ledger-0 2 times between 2026-11-27T10:00:00Z and 2026-11-27T10:01:00Z (allowed)", 0},
			{"user:bob", 1, "session into a pod", "user:bob used pods/portforward payments/ledger-0 at 2026-11-27T10:00:00Z (denied (403))", 0},
		},
	}})
}

func TestAuditLogPrivilegedPod(t *testing.T) {
	pod := func(spec string) string {
		return `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"default"},"spec":` + spec + `}`
	}
	runAuditCases(t, "auditlog-privileged-pod", []auditCase{{
		name: "a privileged pod, a host-network deployment; a plain pod and a pod without a body pass",
		events: []E{
			{User: "mallory", Verb: "create", Resource: "pods", NS: "default", Name: "p", Code: 201,
				Req: pod(`{"containers":[{"name":"sh","image":"busybox","securityContext":{"privileged":true}}]}`)},
			{User: "alice", Verb: "create", Resource: "deployments", Group: "apps", NS: "default", Name: "d", Code: 201,
				Req: `{"kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"hostNetwork":true,"containers":[{"name":"a","image":"nginx"}]}}}}`},
			{User: "alice", Verb: "create", Resource: "pods", NS: "default", Name: "q", Code: 201,
				Req: pod(`{"containers":[{"name":"a","image":"nginx"}]}`)},
			{User: "alice", Verb: "create", Resource: "pods", NS: "default", Name: "r", Code: 201},
		},
		want: []auditFinding{
			{"user:mallory", 1, "pod forbidden by baseline created", `user:mallory created pods default/p at 2026-11-27T10:00:00Z, which Pod Security baseline forbids: privileged (container "sh" must not set securityContext.privileged=true)`, 0},
			{"user:alice", 1, "pod forbidden by baseline created", `user:alice created deployments default/d at 2026-11-27T10:00:00Z, which Pod Security baseline forbids: host namespaces (hostNetwork=true)`, 0},
		},
	}})
}

func TestAuditLogAnonymousRequest(t *testing.T) {
	runAuditCases(t, "auditlog-anonymous-request", []auditCase{{
		name: "anonymous probes and bad tokens by source; health checks pass",
		events: []E{
			{User: "system:anonymous", Verb: "get", URI: "/api/v1/namespaces/kube-system/secrets", IP: "203.0.113.9", UA: "curl/8.5.0", Code: 403},
			{User: "system:anonymous", Verb: "get", URI: "/apis", IP: "203.0.113.9", UA: "curl/8.5.0", At: time.Second},
			{User: "system:anonymous", Verb: "get", URI: "/healthz", IP: "10.0.0.2", UA: "kube-probe/1.37"},
			{Verb: "list", URI: "/api/v1/pods", IP: "198.51.100.4", UA: "kubectl/v1.37.2", Code: 401},
			// The API server audits a failed authentication at
			// ResponseStarted only, without a user.
			{Verb: "list", URI: "/api/v1/secrets", IP: "198.51.100.4", UA: "kubectl/v1.37.2", Code: 401, Stage: "ResponseStarted", At: time.Second},
		},
		want: []auditFinding{
			{"anonymous from 203.0.113.9", 2, "requests without valid credentials", `anonymous from 203.0.113.9 with user agent "curl/8.5.0" made 2 requests without valid credentials 2 times between 2026-11-27T10:00:00Z and 2026-11-27T10:00:01Z (anonymous get /api/v1/namespaces/kube-system/secrets, anonymous get /apis)`, 0},
			{"unauthenticated from 198.51.100.4", 2, "requests without valid credentials", `unauthenticated from 198.51.100.4 with user agent "kubectl/v1.37.2" made 2 requests without valid credentials 2 times between 2026-11-27T10:00:00Z and 2026-11-27T10:00:01Z (401 list /api/v1/pods, 401 list /api/v1/secrets)`, 0},
		},
	}})
}

func TestAuditLogForbiddenBurst(t *testing.T) {
	denials := func(user string, n int, every time.Duration) []E {
		var out []E
		for i := range n {
			out = append(out, E{User: user, Verb: "list", Resource: "secrets", NS: "ns" + string(rune('a'+i%26)), Code: 403, At: time.Duration(i) * every})
		}
		return out
	}
	runAuditCases(t, "auditlog-forbidden-burst", []auditCase{{
		name:   "25 denials in 25 seconds",
		events: denials("mallory", 25, time.Second),
		want: []auditFinding{{"user:mallory", 6, "authorization denials in a burst",
			"user:mallory was denied 20 or more times within 1m0s, 1 time (25 denials in the longest; 20 denials from 2026-11-27T10:00:00Z to 2026-11-27T10:00:19Z)", 0}},
	}, {
		name:   "the same denials spread over 25 minutes",
		events: denials("mallory", 25, time.Minute),
	}, {
		name:   "a lower threshold and a longer window",
		opts:   auditlog.Options{ForbiddenThreshold: 5, ForbiddenWindow: 10 * time.Minute},
		events: denials("mallory", 5, time.Minute),
		want: []auditFinding{{"user:mallory", 1, "authorization denials in a burst",
			"user:mallory was denied 5 or more times within 10m0s, 1 time (5 denials in the longest; 5 denials from 2026-11-27T10:00:00Z to 2026-11-27T10:04:00Z)", 0}},
	}})
}

func TestAuditLogImpersonation(t *testing.T) {
	runAuditCases(t, "auditlog-impersonation", []auditCase{{
		name: "X as Y",
		events: []E{
			{User: "alice", As: "bob", Verb: "get", Resource: "pods", NS: "dev", Name: "a"},
			{User: "alice", Verb: "get", Resource: "pods", NS: "dev", Name: "a"},
		},
		want: []auditFinding{{"user:alice as user:bob", 1, "impersonation", "user:alice as user:bob made 1 request at 2026-11-27T10:00:00Z (get pods dev/a allowed)", 0}},
	}})
}

func TestAuditLogTokenRequest(t *testing.T) {
	runAuditCases(t, "auditlog-token-request", []auditCase{{
		name: "a person asks for a token; the kubelet's requests pass",
		events: []E{
			{User: "alice", Verb: "create", Resource: "serviceaccounts", Sub: "token", NS: "kube-system", Name: "admin", Code: 201},
			{User: "system:node:worker-1", Verb: "create", Resource: "serviceaccounts", Sub: "token", NS: "web", Name: "frontend", Code: 201},
		},
		want: []auditFinding{{"user:alice", 1, "service account token requested", "user:alice requested tokens for serviceaccount:kube-system:admin at 2026-11-27T10:00:00Z", 0}},
	}})
}

func TestAuditLogAdmissionWebhookChange(t *testing.T) {
	runAuditCases(t, "auditlog-admission-webhook-change", []auditCase{{
		name: "a webhook deleted; a read passes",
		events: []E{
			{User: "mallory", Verb: "delete", Resource: "validatingwebhookconfigurations", Group: "admissionregistration.k8s.io", Name: "policy"},
			{User: "mallory", Verb: "get", Resource: "validatingwebhookconfigurations", Group: "admissionregistration.k8s.io", Name: "policy"},
		},
		want: []auditFinding{{"user:mallory", 1, "admission control changed", "user:mallory changed admission control (delete validatingwebhookconfigurations policy) at 2026-11-27T10:00:00Z", 0}},
	}})
}

func TestAuditLogPrincipalActivity(t *testing.T) {
	got := runAudit(t, "auditlog-principal-activity", auditlog.Options{},
		E{User: "alice", Verb: "get", Resource: "pods", NS: "a", Name: "x"},
		E{User: "alice", Verb: "get", Resource: "pods", NS: "a", Name: "y", At: time.Minute, IP: "10.0.0.9"},
		E{User: "alice", Verb: "delete", Resource: "pods", NS: "a", Name: "y", At: 2 * time.Minute, Code: 403},
		E{User: "alice", Verb: "delete", Resource: "pods", NS: "a", Name: "y", Stage: "RequestReceived"},
		E{User: sa + "a:b", Verb: "list", Resource: "pods"},
	)
	want := []auditFinding{
		{"user:alice", 3, "activity", "user:alice made 3 requests (1 writes, 1 denied; get 2, delete 1) 3 times between 2026-11-27T10:00:00Z and 2026-11-27T10:02:00Z, from 10.0.0.1, 10.0.0.9, with kubectl/v1.37.2 (linux/amd64) kubernetes/7d3a4b1", 0},
		{"serviceaccount:a:b", 1, "activity", "serviceaccount:a:b made 1 request (0 writes, 0 denied; list 1) at 2026-11-27T10:00:00Z, from 10.0.0.1, with kubectl/v1.37.2 (linux/amd64) kubernetes/7d3a4b1", 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if strings.Contains(got[0].Detail, "RequestReceived") {
		t.Error("a RequestReceived stage was counted")
	}
}
