package webhook

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

const cleanDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: api
        image: registry.example/api@sha256:0000000000000000000000000000000000000000000000000000000000000000
        resources:
          requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 100Mi}
          limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
`

// BenchmarkHandler times the /validate handler alone, from the review's
// bytes to the answer's, on one core's worth of work per iteration: a pod
// that the restricted policy denies, and a Deployment it allows, in a
// namespace that enforces, audits and warns with restricted. Reviews per
// second per core are 1e9 / (ns/op).
func BenchmarkHandler(b *testing.B) {
	s := testServer(b, "", namespace("apps", map[string]string{LabelEnforce: "restricted", LabelAudit: "restricted", LabelWarn: "restricted"}))
	h := s.Handler()
	for _, tc := range []struct {
		name, manifest string
		allowed        bool
	}{
		{"restricted-violating-pod", badPod, false},
		{"clean-deployment", cleanDeployment, true},
		// As the API server sends a pod: defaulted, with managedFields.
		{"apiserver-pod", managedPod, true},
	} {
		body := reviewBody(b, request(b, admissionv1.Create, "apps", tc.manifest))
		// Once, to check the answer.
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, newReview(body))
		if rec.Code != 200 || bytes.Contains(rec.Body.Bytes(), []byte(`"allowed":true`)) != tc.allowed {
			b.Fatalf("%s: %d %s", tc.name, rec.Code, rec.Body)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			w := &discardWriter{h: http.Header{}}
			cpu0 := processCPU()
			for b.Loop() {
				w.reset()
				h.ServeHTTP(w, newReview(body))
				if w.code != 0 && w.code != 200 {
					b.Fatalf("status %d", w.code)
				}
			}
			// The process's CPU time, not the wall clock: the machine may be
			// shared, and the garbage collector's work is counted.
			cpu := processCPU() - cpu0
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/review")
			b.ReportMetric(float64(b.N)/cpu.Seconds(), "reviews/cpu-s")
		})
	}
}

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func newReview(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark
// times the handler and not a recorder.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) reset() {
	clear(w.h)
	w.code = 0
}
func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
