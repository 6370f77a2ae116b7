package auditserve

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/auditlog"
	. "github.com/kubestride/kubestride/internal/auditlog/auditlogtest"
	"github.com/kubestride/kubestride/internal/check"
	_ "github.com/kubestride/kubestride/internal/checks"
	"github.com/kubestride/kubestride/internal/config"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logged is a "finding" log line.
type logged struct {
	Msg       string   `json:"msg"`
	Check     string   `json:"check"`
	Severity  string   `json:"severity"`
	Category  string   `json:"category"`
	Principal string   `json:"principal"`
	Message   string   `json:"message"`
	AuditIDs  []string `json:"auditIDs"`
}

func findings(t *testing.T, log string) []logged {
	t.Helper()
	var out []logged
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if line == "" {
			continue
		}
		var l logged
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if l.Msg == "finding" {
			out = append(out, l)
		}
	}
	return out
}

// keyCert writes a self-signed certificate for 127.0.0.1 and its key.
func keyCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "auditserve"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func newServer(t *testing.T, opts Options) (*Server, *syncBuffer) {
	t.Helper()
	opts.CertFile, opts.KeyFile, _ = keyCert(t, t.TempDir())
	log := &syncBuffer{}
	opts.Logger = slog.New(slog.NewJSONHandler(log, nil))
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, log
}

// batch is an EventList of events; the items do not repeat the version,
// as the API server's webhook sends them, unless keepVersion.
func batch(keepVersion bool, events ...E) string {
	items := make([]string, len(events))
	for i, e := range events {
		line := e.Line()
		if !keepVersion {
			var m map[string]json.RawMessage
			_ = json.Unmarshal([]byte(line), &m)
			delete(m, "apiVersion")
			delete(m, "kind")
			b, _ := json.Marshal(m)
			line = string(b)
		}
		items[i] = line
	}
	return `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[` + strings.Join(items, ",") + `]}`
}

func post(t *testing.T, h http.Handler, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, Path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func metricsText(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

const rbacGroup = "rbac.authorization.k8s.io"

func crb(name, subjects string) string {
	return `{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"` + name + `"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":` + subjects + `}`
}

// TestBatchFindings: a batch's events go through the checks; a detection
// of one event is logged as the batch is received, a summary when the
// window closes; the metrics count both, and a Secret's value in a body
// is never logged.
func TestBatchFindings(t *testing.T) {
	s, log := newServer(t, Options{})
	h := s.Handler()
	const secret = `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"pay"},"data":{"password":"aHVudGVyMg=="}}`
	rec := post(t, h, "application/json", batch(false,
		E{ID: "a1", User: "mallory", Verb: "create", Resource: "clusterrolebindings", Group: rbacGroup, Name: "tmp", Code: 201, Req: crb("tmp", `[{"kind":"User","name":"mallory"}]`)},
		E{ID: "a2", User: "alice", Verb: "get", Resource: "secrets", NS: "pay", Name: "db", Resp: secret, At: time.Second},
	))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	got := findings(t, log.String())
	if len(got) != 1 || got[0].Check != "auditlog-cluster-admin-binding" || got[0].Principal != "user:mallory" ||
		got[0].Severity != "critical" || got[0].Category != string(check.ElevationOfPrivilege) || !slices.Equal(got[0].AuditIDs, []string{"a1"}) {
		t.Fatalf("findings before the window closed: %+v", got)
	}
	s.Tick()
	var checks []string
	for _, f := range findings(t, log.String()) {
		checks = append(checks, f.Check+" "+f.Principal)
	}
	slices.Sort(checks)
	want := []string{
		"auditlog-cluster-admin-binding user:mallory",
		"auditlog-principal-activity user:alice",
		"auditlog-principal-activity user:mallory",
		"auditlog-rbac-change user:mallory",
		"auditlog-secret-read user:alice",
	}
	if !slices.Equal(checks, want) {
		t.Errorf("findings after the window closed:\n got %q\nwant %q", checks, want)
	}
	if strings.Contains(log.String(), "aHVudGVyMg") || strings.Contains(log.String(), "hunter2") {
		t.Errorf("a secret's value was logged:\n%s", log)
	}
	m := metricsText(t, h)
	for _, line := range []string{
		`kubestride_auditlog_batches_total{code="200"} 1`,
		`kubestride_auditlog_events_total{stage="ResponseComplete"} 2`,
		`kubestride_auditlog_findings_total{check="auditlog-cluster-admin-binding",severity="critical"} 1`,
		`kubestride_auditlog_findings_total{check="auditlog-secret-read",severity="medium"} 1`,
		`kubestride_auditlog_decode_errors_total 0`,
		`kubestride_auditlog_windows_total 1`,
		`kubestride_auditlog_window_events 0`,
	} {
		if !strings.Contains(m, line+"\n") {
			t.Errorf("metrics lack %q:\n%s", line, m)
		}
	}
}

// TestWindowByCount: a window closes after MaxWindowEvents events, without
// waiting for the timer.
func TestWindowByCount(t *testing.T) {
	s, log := newServer(t, Options{MaxWindowEvents: 2})
	h := s.Handler()
	post(t, h, "application/json", batch(true, E{User: "alice", Verb: "get", Resource: "secrets", NS: "a", Name: "x"}))
	if got := findings(t, log.String()); len(got) != 0 {
		t.Fatalf("findings before the window is full: %+v", got)
	}
	if m := metricsText(t, h); !strings.Contains(m, "kubestride_auditlog_window_events 1\n") {
		t.Errorf("window events not counted:\n%s", m)
	}
	post(t, h, "application/json", batch(true, E{User: "alice", Verb: "get", Resource: "secrets", NS: "a", Name: "y", At: time.Second}))
	var secretReads int
	for _, f := range findings(t, log.String()) {
		if f.Check == "auditlog-secret-read" {
			secretReads++
			if !strings.Contains(f.Message, "2 times") {
				t.Errorf("the window's finding: %q", f.Message)
			}
		}
	}
	if secretReads != 1 {
		t.Errorf("%d secret-read findings once the window held 2 events, want 1", secretReads)
	}
}

// TestBadBatches: what is not a batch is refused with a reason; an event
// that cannot be read is counted and logged, and the rest of its batch is
// still read.
func TestBadBatches(t *testing.T) {
	s, log := newServer(t, Options{MaxRequestBytes: 4096})
	h := s.Handler()
	for _, c := range []struct {
		name, contentType, body string
		code                    int
		msg                     string
	}{
		{"not JSON", "application/json", `{"kind":`, 400, "batch is not JSON"},
		{"another version", "application/json", `{"kind":"EventList","apiVersion":"audit.k8s.io/v1beta1","items":[]}`, 400, `not an audit.k8s.io/v1 EventList: apiVersion "audit.k8s.io/v1beta1"`},
		{"another content type", "application/yaml", `kind: EventList`, 415, "is not application/json"},
		{"too large", "application/json", `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + strings.Repeat(`{},`, 2000) + `{}]}`, 413, "larger than 4096 bytes"},
	} {
		rec := post(t, h, c.contentType, c.body)
		if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.msg) {
			t.Errorf("%s: %d %q, want %d %q", c.name, rec.Code, rec.Body, c.code, c.msg)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, Path, nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", rec.Code)
	}
	good := E{User: "alice", Verb: "get", Resource: "secrets", NS: "a", Name: "x"}.Line()
	body := `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1"},{"user":"alice"},` + good + `]}`
	if rec := post(t, h, "application/json", body); rec.Code != http.StatusOK {
		t.Fatalf("a batch with bad events: %d %s", rec.Code, rec.Body)
	}
	m := metricsText(t, h)
	for _, line := range []string{"kubestride_auditlog_decode_errors_total 2", `kubestride_auditlog_events_total{stage="ResponseComplete"} 1`, `kubestride_auditlog_batches_total{code="400"} 2`, `kubestride_auditlog_batches_total{code="413"} 1`} {
		if !strings.Contains(m, line+"\n") {
			t.Errorf("metrics lack %q:\n%s", line, m)
		}
	}
	for _, want := range []string{`"item":0,"err":"not an audit.k8s.io/v1 Event: apiVersion \"audit.k8s.io/v1beta1\"`, `"item":1,"err":"field user: cannot read \"alice\" as an object"`} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}

// TestConfig: a check the configuration disables does not run, and a
// severity override applies to the logs and metrics.
func TestConfig(t *testing.T) {
	cfg := &config.Config{Checks: map[check.ID]config.CheckConfig{
		"auditlog-principal-activity": {Disabled: true},
		"auditlog-secret-read":        {Severity: "high"},
	}}
	s, log := newServer(t, Options{Config: cfg})
	post(t, s.Handler(), "application/json", batch(false, E{User: "alice", Verb: "get", Resource: "secrets", NS: "a", Name: "x"}))
	s.Tick()
	got := findings(t, log.String())
	if len(got) != 1 || got[0].Check != "auditlog-secret-read" || got[0].Severity != "high" {
		t.Errorf("findings: %+v", got)
	}
	if _, err := New(Options{CertFile: "x", KeyFile: "y", Config: &config.Config{Checks: map[check.ID]config.CheckConfig{"auditlog-secret-read": {Severity: "urgent"}}}}); err == nil || !strings.Contains(err.Error(), "checks.auditlog-secret-read.severity") {
		t.Errorf("a bad severity: %v", err)
	}
}

// TestRunTLSAndShutdown serves over TLS on a listener, reports findings on
// the timer, and on shutdown stops being ready and reports the window
// still open.
// startTLS runs a server on a 127.0.0.1 listener and returns its URL and
// a client trusting it; stop ends Run and returns its error.
func startTLS(t *testing.T, opts Options) (s *Server, log *syncBuffer, base string, client *http.Client, stop func() error) {
	t.Helper()
	var pool *x509.CertPool
	opts.CertFile, opts.KeyFile, pool = keyCert(t, t.TempDir())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opts.Listener = ln
	log = &syncBuffer{}
	opts.Logger = slog.New(slog.NewJSONHandler(log, nil))
	s, err = New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 5 * time.Second}
	base = "https://" + ln.Addr().String()
	waitFor(t, func() bool {
		resp, err := client.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = stop() })
	return s, log, base, client, stop
}

func postTLS(t *testing.T, client *http.Client, url, body string) {
	t.Helper()
	resp, err := client.Post(url+Path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("batch: %s", resp.Status)
	}
}

func hasFinding(t *testing.T, log *syncBuffer, id, principal string) bool {
	for _, f := range findings(t, log.String()) {
		if f.Check == id && f.Principal == principal {
			return true
		}
	}
	return false
}

// TestRunReportsOnTheTimer serves over TLS and reports a burst of denials
// when the timer closes the window, while the server runs.
func TestRunReportsOnTheTimer(t *testing.T) {
	_, log, base, client, stop := startTLS(t, Options{Interval: 200 * time.Millisecond,
		Detect: auditlog.Options{ForbiddenThreshold: 3, ForbiddenWindow: time.Minute}})
	var denials []E
	for i := range 4 {
		denials = append(denials, E{User: "mallory", Verb: "list", Resource: "secrets", NS: fmt.Sprint("ns", i), Code: 403, At: time.Duration(i) * time.Second})
	}
	postTLS(t, client, base, batch(false, denials...))
	waitFor(t, func() bool { return hasFinding(t, log, "auditlog-forbidden-burst", "user:mallory") })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestShutdownReportsTheOpenWindow: on shutdown the server stops being
// ready and reports the window still open.
func TestShutdownReportsTheOpenWindow(t *testing.T) {
	s, log, base, client, stop := startTLS(t, Options{Interval: time.Hour})
	postTLS(t, client, base, batch(false, E{User: "bob", Verb: "create", Resource: "pods", Sub: "exec", NS: "a", Name: "p", Code: 101}))
	if hasFinding(t, log, "auditlog-pod-exec", "user:bob") {
		t.Fatal("the exec was reported before the window closed")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !hasFinding(t, log, "auditlog-pod-exec", "user:bob") {
		t.Errorf("the exec of the open window was not reported at shutdown:\n%s", log)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz after shutdown: %d", rec.Code)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWindowsOnTheAPIServersClock: the windows close at the API server's
// time (the latest event's, plus the time passed since), so a server whose
// clock is days ahead does not forget a burst between two batches.
func TestWindowsOnTheAPIServersClock(t *testing.T) {
	clock := Base.Add(5 * 24 * time.Hour)
	s, log := newServer(t, Options{Now: func() time.Time { return clock },
		Detect: auditlog.Options{ForbiddenThreshold: 3, ForbiddenWindow: time.Minute}})
	deny := func(at time.Duration) E {
		return E{User: "mallory", Verb: "list", Resource: "secrets", NS: fmt.Sprint("ns", at), Code: 403, At: at}
	}
	post(t, s.Handler(), "application/json", batch(false, deny(0), deny(time.Second)))
	clock = clock.Add(2 * time.Second)
	s.Tick()
	post(t, s.Handler(), "application/json", batch(false, deny(3*time.Second), deny(4*time.Second)))
	s.Tick()
	if !hasFinding(t, log, "auditlog-forbidden-burst", "user:mallory") {
		t.Errorf("the burst across two batches was not reported:\n%s", log)
	}
}

// TestCertificateReload: a renewed certificate written over the files is
// served without a restart.
func TestCertificateReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool1 := keyCert(t, dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{CertFile: certFile, KeyFile: keyFile, Listener: ln, CertInterval: time.Millisecond,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	get := func(pool *x509.CertPool) error {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true}, Timeout: 5 * time.Second}
		resp, err := c.Get("https://" + ln.Addr().String() + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	waitFor(t, func() bool { return get(pool1) == nil })
	// A new pair in the same files, a second later (modification times).
	_, _, pool2 := keyCert(t, dir)
	later := time.Now().Add(time.Second)
	for _, f := range []string{certFile, keyFile} {
		if err := os.Chtimes(f, later, later); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { return get(pool2) == nil })
	if err := get(pool1); err == nil {
		t.Error("the old certificate is still served")
	}
}
