package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func post(t *testing.T, url string, c *http.Client, contentType string, body []byte) (int, string) {
	t.Helper()
	resp, err := c.Post(url+"/validate", contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// TestBadRequests: what is no AdmissionReview is answered with an HTTP
// error naming the fault, and the body is bounded.
func TestBadRequests(t *testing.T) {
	s := testServerWith(t, "", func(o *Options) { o.MaxRequestBytes = 4096 }, namespace("apps", nil))
	url, c := tlsClient(t, s)
	big := request(t, admissionv1.Create, "apps", badPod)
	big.Object.Raw = []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","annotations":{"a":"` + strings.Repeat("x", 5000) + `"}}}`)
	for _, tc := range []struct {
		name, contentType string
		body              []byte
		code              int
		msg               string
	}{
		{"empty", "application/json", nil, 400, "request body is empty"},
		{"content type", "text/plain", []byte("{}"), 415, `content type "text/plain" is not application/json`},
		{"too large", "application/json", reviewBody(t, big), 413, "request entity is too large; limit is 4096 bytes"},
		{"not json", "application/json", []byte("apiVersion: v1"), 400, "the body is not an AdmissionReview: invalid character 'a' looking for beginning of value"},
		{"no request", "application/json", []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), 400, `the body is not an admission.k8s.io/v1 AdmissionReview with a request (apiVersion "admission.k8s.io/v1", kind "AdmissionReview")`},
	} {
		code, msg := post(t, url, c, tc.contentType, tc.body)
		if code != tc.code || msg != tc.msg {
			t.Errorf("%s: %d %q, want %d %q", tc.name, code, msg, tc.code, tc.msg)
		}
	}
	// v1beta1 is answered in v1beta1.
	body := bytes.Replace(reviewBody(t, request(t, admissionv1.Create, "apps", badPod)), []byte(`"admission.k8s.io/v1"`), []byte(`"admission.k8s.io/v1beta1"`), 1)
	code, msg := post(t, url, c, "application/json; charset=utf-8", body)
	if code != 200 || !strings.Contains(msg, `"apiVersion":"admission.k8s.io/v1beta1"`) || !strings.Contains(msg, `"allowed":true`) {
		t.Errorf("v1beta1: %d %s", code, msg)
	}
}

// TestPanicRecovery: a panic while judging answers an error review that
// denies the request, and the server goes on serving.
func TestPanicRecovery(t *testing.T) {
	s := testServer(t, "", namespace("apps", map[string]string{LabelEnforce: "baseline"}))
	url, c := tlsClient(t, s)
	s.beforeJudge = func(req *admissionv1.AdmissionRequest) {
		if req.Name == "web" {
			panic("boom")
		}
	}
	got := send(t, url, c, request(t, admissionv1.Create, "apps", badPod))
	if got.Allowed || got.Result == nil || got.Result.Code != 500 || got.Result.Message != "Internal error occurred: kubestride webhook: internal error while judging the request" {
		t.Errorf("after a panic: %+v", got)
	}
	if after := send(t, url, c, request(t, admissionv1.Create, "apps", privilegedPod)); after.Allowed {
		t.Error("the server does not judge after a panic")
	}
	if n := s.metrics.errors.value(labelValues{"panic"}); n != 1 {
		t.Errorf("panics counted: %d", n)
	}
}

// TestUpdates: an update that changes nothing the policies judge (a pod's
// labels, a Deployment's replicas) is allowed even when the object breaks
// the policy, as Pod Security Admission allows it; a changed image or
// template is judged. Deletes and ignored subresources are not judged.
func TestUpdates(t *testing.T) {
	s := testServer(t, "", namespace("apps", map[string]string{LabelEnforce: "restricted"}))
	url, c := tlsClient(t, s)
	update := func(oldManifest, newManifest string) *admissionv1.AdmissionRequest {
		req := request(t, admissionv1.Update, "apps", newManifest)
		old := request(t, admissionv1.Update, "apps", oldManifest)
		req.OldObject = old.Object
		return req
	}
	relabelled := strings.Replace(badPod, "metadata: {name: web}", "metadata: {name: web, labels: {tier: front}}", 1)
	newImage := strings.Replace(badPod, "nginx:1.27", "nginx:1.28", 1)
	scaled := strings.Replace(badDeployment, "replicas: 2", "replicas: 5", 1)
	retemplated := strings.Replace(badDeployment, "nginx:1.27", "nginx:1.28", 1)
	for _, tc := range []struct {
		name    string
		req     *admissionv1.AdmissionRequest
		allowed bool
	}{
		{"pod labels", update(badPod, relabelled), true},
		{"pod image", update(badPod, newImage), false},
		{"deployment replicas", update(badDeployment, scaled), true},
		{"deployment template", update(badDeployment, retemplated), false},
	} {
		if got := send(t, url, c, tc.req); got.Allowed != tc.allowed {
			t.Errorf("%s: allowed=%v, want %v (%s)", tc.name, got.Allowed, tc.allowed, message(got))
		}
	}
	del := request(t, admissionv1.Delete, "apps", badPod)
	status := request(t, admissionv1.Update, "apps", badPod)
	status.SubResource = "status"
	ephemeral := request(t, admissionv1.Update, "apps", badPod)
	ephemeral.SubResource = "ephemeralcontainers"
	for name, tc := range map[string]struct {
		req     *admissionv1.AdmissionRequest
		allowed bool
	}{"delete": {del, true}, "status": {status, true}, "ephemeralcontainers": {ephemeral, false}} {
		if tc.req.Operation == admissionv1.Update && tc.req.OldObject.Raw == nil {
			tc.req.OldObject = runtime.RawExtension{Raw: []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[]}}`)}
		}
		if got := send(t, url, c, tc.req); got.Allowed != tc.allowed {
			t.Errorf("%s: allowed=%v, want %v", name, got.Allowed, tc.allowed)
		}
	}
}

// TestMetrics: /metrics is the text exposition format, with the requests,
// decisions, violations and the latency histogram.
func TestMetrics(t *testing.T) {
	s := testServer(t, "", namespace("apps", map[string]string{LabelEnforce: "baseline", LabelWarn: "restricted"}))
	url, c := tlsClient(t, s)
	send(t, url, c, request(t, admissionv1.Create, "apps", privilegedPod))
	send(t, url, c, request(t, admissionv1.Create, "apps", badPod))
	resp, err := c.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	text := string(body)
	for _, want := range []string{
		"# TYPE kubestride_webhook_requests_total counter\n",
		`kubestride_webhook_requests_total{operation="CREATE",kind="Pod",dry_run="false",answer="allowed"} 1` + "\n",
		`kubestride_webhook_requests_total{operation="CREATE",kind="Pod",dry_run="false",answer="denied"} 1` + "\n",
		`kubestride_webhook_decisions_total{mode="enforce",policy="baseline:latest",decision="allow"} 1` + "\n",
		`kubestride_webhook_decisions_total{mode="enforce",policy="baseline:latest",decision="deny"} 1` + "\n",
		`kubestride_webhook_decisions_total{mode="warn",policy="restricted:latest",decision="deny"} 2` + "\n",
		`kubestride_webhook_violations_total{mode="enforce",policy="baseline:latest",check="pss-privileged"} 1` + "\n",
		`kubestride_webhook_violations_total{mode="warn",policy="restricted:latest",check="pss-run-as-non-root"} 2` + "\n",
		"# TYPE kubestride_webhook_request_duration_seconds histogram\n",
		`kubestride_webhook_request_duration_seconds_bucket{le="+Inf"} 2` + "\n",
		"kubestride_webhook_request_duration_seconds_count 2\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
}

// TestMetricsText holds the exposition format to its rules: sorted series,
// escaped label values, cumulative buckets.
func TestMetricsText(t *testing.T) {
	m := NewMetrics()
	m.errors.inc(labelValues{"b"})
	m.errors.inc(labelValues{`a "quoted"\ new` + "\nline"})
	m.errors.inc(labelValues{"b"})
	m.latency.observe(50 * time.Microsecond)
	m.latency.observe(300 * time.Microsecond)
	m.latency.observe(2 * time.Second)
	var b strings.Builder
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	wantErrors := `# HELP kubestride_webhook_errors_total Requests that could not be judged, by reason.
# TYPE kubestride_webhook_errors_total counter
kubestride_webhook_errors_total{reason="a \"quoted\"\\ new\nline"} 1
kubestride_webhook_errors_total{reason="b"} 2
`
	if !strings.Contains(text, wantErrors) {
		t.Errorf("errors series:\n%s", text)
	}
	for _, want := range []string{
		`kubestride_webhook_request_duration_seconds_bucket{le="0.0001"} 1`,
		`kubestride_webhook_request_duration_seconds_bucket{le="0.00025"} 1`,
		`kubestride_webhook_request_duration_seconds_bucket{le="0.0005"} 2`,
		`kubestride_webhook_request_duration_seconds_bucket{le="1"} 2`,
		`kubestride_webhook_request_duration_seconds_bucket{le="+Inf"} 3`,
		`kubestride_webhook_request_duration_seconds_sum 2.00035`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("histogram lacks %q:\n%s", want, text)
		}
	}
}

// TestCertificateReload: a certificate written over the served one is
// served to the next connection, without a restart; a broken pair keeps
// the previous one in service.
func TestCertificateReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeCert(t, dir, 1)
	s := testServerWith(t, "", func(o *Options) {
		o.CertFile, o.KeyFile, o.CertInterval = certFile, keyFile, time.Millisecond
	})
	url, _ := tlsClient(t, s)
	serial := func() int64 {
		t.Helper()
		conn, err := tls.Dial("tcp", strings.TrimPrefix(url, "https://"), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
	}
	if got := serial(); got != 1 {
		t.Fatalf("serial %d, want 1", got)
	}
	writeCert(t, dir, 2)
	time.Sleep(5 * time.Millisecond)
	if got := serial(); got != 2 {
		t.Errorf("after the files changed: serial %d, want 2", got)
	}
	if err := writeFile(certFile, "not a certificate"); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(certFile, testNow, testNow); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if got := serial(); got != 2 {
		t.Errorf("after a broken certificate: serial %d, want 2 kept", got)
	}
}

// TestRunAndShutdown starts the server as an in-process test would (a
// loopback listener), checks /readyz, and shuts it down while a review is
// in flight: the review is answered, then Run returns nil and the port is
// closed.
func TestRunAndShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := testServerWith(t, "", func(o *Options) { o.Listener = ln }, namespace("apps", map[string]string{LabelEnforce: "baseline"}))
	s.ready.Store(false) // Run syncs the informers itself
	entered, release := make(chan struct{}), make(chan struct{})
	s.beforeJudge = func(req *admissionv1.AdmissionRequest) {
		if req.Name == "agent" {
			close(entered)
			<-release
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-s.Started()
	url := "https://" + s.Addr().String()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 10 * time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := c.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("never ready")
		}
		time.Sleep(10 * time.Millisecond)
	}
	answered := make(chan *admissionv1.AdmissionResponse, 1)
	go func() { answered <- send(t, url, c, request(t, admissionv1.Create, "apps", privilegedPod)) }()
	<-entered
	cancel()
	time.Sleep(50 * time.Millisecond) // Shutdown has begun
	select {
	case err := <-done:
		t.Fatalf("Run returned %v with a review in flight", err)
	default:
	}
	close(release)
	if got := <-answered; got.Allowed {
		t.Error("the review in flight was not judged")
	}
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if _, err := net.DialTimeout("tcp", s.Addr().String(), time.Second); err == nil {
		t.Error("still listening after shutdown")
	}
}

// TestDecodeCustomResource: a custom resource whose pod template the
// built-in table names (an Argo Rollout) is judged by its template.
func TestDecodeCustomResource(t *testing.T) {
	s := testServer(t, "", namespace("apps", map[string]string{LabelEnforce: "baseline"}))
	url, c := tlsClient(t, s)
	rollout := `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary}
spec:
  template:
    spec:
      containers: [{name: app, image: app:1, securityContext: {privileged: true}}]
`
	got := send(t, url, c, request(t, admissionv1.Create, "apps", rollout))
	want := `rollouts.argoproj.io "canary" is forbidden: violates kubestride policy "baseline:latest": privileged (container "app" must not set securityContext.privileged=true)`
	if diff := cmp.Diff(want, message(got)); diff != "" {
		t.Errorf("denial (-want +got):\n%s", diff)
	}

	// A kind the configuration adds, at the path it names.
	cfg := `podTemplates:
- group: ci.example.com
  kind: Runner
  path: spec.podTemplate
`
	s = testServer(t, cfg, namespace("apps", map[string]string{LabelEnforce: "baseline"}))
	url, c = tlsClient(t, s)
	runner := `apiVersion: ci.example.com/v1
kind: Runner
metadata: {name: builder}
spec:
  podTemplate:
    spec:
      hostNetwork: true
      containers: [{name: build, image: build:1}]
`
	req := request(t, admissionv1.Create, "apps", runner)
	req.Resource.Resource = "runners"
	got = send(t, url, c, req)
	want = `runners.ci.example.com "builder" is forbidden: violates kubestride policy "baseline:latest": host namespaces (hostNetwork=true)`
	if diff := cmp.Diff(want, message(got)); diff != "" {
		t.Errorf("configured kind: denial (-want +got):\n%s", diff)
	}
}
