package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/servecert"
)

// Defaults of Options.
const (
	DefaultListen = ":8443"
	// DefaultMaxRequestBytes bounds a review's body. The API server accepts
	// objects of up to 3 MiB (etcd's limit is 1.5 MiB), and an update's
	// review carries the object twice, with its metadata; 7 MiB, as
	// controller-runtime allows, leaves room for both.
	DefaultMaxRequestBytes = 7 << 20
	// The API server waits 10 seconds for a webhook by default, at most
	// 30; a review takes well under a millisecond.
	DefaultReadTimeout     = 10 * time.Second
	DefaultWriteTimeout    = 10 * time.Second
	DefaultIdleTimeout     = 90 * time.Second
	DefaultShutdownTimeout = 30 * time.Second
	DefaultCertInterval    = 10 * time.Second
)

// Options configure a Server.
type Options struct {
	// Config is the configuration (policies, defaults, exemptions); nil
	// means none (every namespace without labels is privileged).
	Config *config.Config
	// Registry is the catalogue; nil means check.Default().
	Registry *check.Registry
	// Client reads namespaces and LimitRanges through informers. Required.
	Client kubernetes.Interface
	// CertFile and KeyFile are the serving certificate and key, read again
	// when they change. Required.
	CertFile, KeyFile string
	// Listen is the address to listen on (DefaultListen when empty), unless
	// Listener is set.
	Listen string
	// Listener, when set, is served instead of listening on Listen (an
	// in-process test passes one on 127.0.0.1:0).
	Listener net.Listener
	// Logger receives structured logs; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock exemptions are judged at; nil means time.Now.
	Now func() time.Time
	// MaxRequestBytes bounds a request body (DefaultMaxRequestBytes when 0).
	MaxRequestBytes int64
	// ReadTimeout, WriteTimeout and IdleTimeout are the HTTP server's
	// (the defaults when 0); ShutdownTimeout bounds how long Run waits for
	// reviews in flight once its context ends.
	ReadTimeout, WriteTimeout, IdleTimeout, ShutdownTimeout time.Duration
	// CertInterval is how often, at most, the certificate files are looked
	// at for a change (DefaultCertInterval when 0).
	CertInterval time.Duration
	// Resync is the informers' resync period (0: none).
	Resync time.Duration
}

// Server is the admission webhook: an HTTPS server answering
// admission.k8s.io/v1 AdmissionReviews on /validate, with /healthz,
// /readyz and /metrics.
type Server struct {
	opts      Options
	cfg       *config.Config
	log       *slog.Logger
	now       func() time.Time
	metrics   *Metrics
	policies  *policies
	cluster   *clusterState
	certs     *servecert.Reloader
	templates *inventory.PodTemplates
	singles   sync.Pool // of *inventory.Inventory
	bufs      sync.Pool // of *bytes.Buffer
	mux       *http.ServeMux
	ready     atomic.Bool

	mu       sync.Mutex
	srv      *http.Server
	addr     net.Addr
	started  chan struct{}
	shutdown chan struct{}

	// beforeJudge, when set (by tests), is called on every request before
	// it is judged.
	beforeJudge func(*admissionv1.AdmissionRequest)
}

// New prepares a Server: it reads the certificate (an error when it does
// not load) and builds the policies; nothing is started.
func New(opts Options) (*Server, error) {
	if opts.Client == nil {
		return nil, errors.New("webhook: a Kubernetes client is required")
	}
	if opts.CertFile == "" || opts.KeyFile == "" {
		return nil, errors.New("webhook: --tls-cert-file and --tls-private-key-file are required")
	}
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if opts.MaxRequestBytes <= 0 {
		opts.MaxRequestBytes = DefaultMaxRequestBytes
	}
	for _, d := range []struct {
		p *time.Duration
		v time.Duration
	}{{&opts.ReadTimeout, DefaultReadTimeout}, {&opts.WriteTimeout, DefaultWriteTimeout}, {&opts.IdleTimeout, DefaultIdleTimeout}, {&opts.ShutdownTimeout, DefaultShutdownTimeout}, {&opts.CertInterval, DefaultCertInterval}} {
		if *d.p <= 0 {
			*d.p = d.v
		}
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = &config.Config{}
	}
	reg := opts.Registry
	if reg == nil {
		reg = check.Default()
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	ps, err := newPolicies(cfg, reg)
	if err != nil {
		return nil, err
	}
	certs, err := servecert.NewReloader(opts.CertFile, opts.KeyFile, opts.CertInterval, log)
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	s := &Server{
		opts: opts, cfg: cfg, log: log, now: now, metrics: NewMetrics(), policies: ps,
		cluster: newClusterState(opts.Client, opts.Resync, ps.contextual), certs: certs, templates: cfg.Templates(),
		started: make(chan struct{}), shutdown: make(chan struct{}),
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/validate", s.serveValidate)
	s.mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	s.mux.HandleFunc("/readyz", s.serveReady)
	s.mux.HandleFunc("/metrics", s.serveMetrics)
	return s, nil
}

// Handler returns the server's HTTP handler (all four paths).
func (s *Server) Handler() http.Handler { return s.mux }

// Metrics returns the server's metrics.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Addr returns the address the server listens on, once Run has started
// listening (see Started); nil before.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Started is closed once Run listens.
func (s *Server) Started() <-chan struct{} { return s.started }

// Ready reports whether the informers have synced.
func (s *Server) Ready() bool { return s.ready.Load() }

// TLSConfig is the server's TLS configuration: TLS 1.2 or later, the
// certificate read again when its files change.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: s.certs.GetCertificate}
}

// Run starts the informers, listens and serves until ctx ends or Shutdown
// is called; then it stops accepting connections and waits (at most
// ShutdownTimeout) for the reviews in flight to be answered. It returns nil
// after a graceful shutdown.
func (s *Server) Run(ctx context.Context) error {
	ln := s.opts.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", s.opts.Listen); err != nil {
			return fmt.Errorf("webhook: listen: %w", err)
		}
	}
	informerCtx, stopInformers := context.WithCancel(context.Background())
	defer stopInformers()
	s.cluster.start(informerCtx)
	go func() {
		if s.cluster.waitForSync(informerCtx) {
			s.ready.Store(true)
			s.log.Info("informers synced, ready")
		}
	}()
	srv := &http.Server{
		Handler:           s.mux,
		TLSConfig:         s.TLSConfig(),
		ReadHeaderTimeout: s.opts.ReadTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.mu.Lock()
	s.srv, s.addr = srv, ln.Addr()
	s.mu.Unlock()
	close(s.started)
	s.log.Info("serving admission reviews", "addr", ln.Addr().String())

	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		return fmt.Errorf("webhook: serve: %w", err)
	case <-ctx.Done():
	case <-s.shutdown:
	}
	s.log.Info("shutting down, finishing reviews in flight")
	s.ready.Store(false)
	sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("webhook: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("webhook: serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// Shutdown makes Run stop as its context ending would: no new connection,
// the reviews in flight answered. It does not wait for Run to return.
func (s *Server) Shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.shutdown:
	default:
		close(s.shutdown)
	}
}

func (s *Server) serveReady(w http.ResponseWriter, _ *http.Request) {
	if !s.ready.Load() {
		http.Error(w, "informers not synced", http.StatusServiceUnavailable)
		return
	}
	_, _ = io.WriteString(w, "ok\n")
}

func (s *Server) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = s.metrics.WriteTo(w)
}

// reviewHeader is what is read of an AdmissionReview before its request.
type reviewHeader struct {
	metav1.TypeMeta `json:",inline"`
	Request         *admissionv1.AdmissionRequest `json:"request"`
}

// serveValidate answers one AdmissionReview. A body that is no review is
// answered with an HTTP error (the API server then applies the webhook's
// failurePolicy); a review whose judgement panics is answered with an
// error review that denies it, and the server goes on.
func (s *Server) serveValidate(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Method != http.MethodPost {
		s.httpError(w, http.StatusMethodNotAllowed, "method", "only POST is served")
		return
	}
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		s.httpError(w, http.StatusUnsupportedMediaType, "content-type", fmt.Sprintf("content type %q is not application/json", r.Header.Get("Content-Type")))
		return
	}
	buf, _ := s.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	defer s.bufs.Put(buf)
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, s.opts.MaxRequestBytes)); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.httpError(w, http.StatusRequestEntityTooLarge, "body-too-large", fmt.Sprintf("request entity is too large; limit is %d bytes", s.opts.MaxRequestBytes))
			return
		}
		s.httpError(w, http.StatusBadRequest, "read", "reading the request body: "+err.Error())
		return
	}
	if buf.Len() == 0 {
		s.httpError(w, http.StatusBadRequest, "empty-body", "request body is empty")
		return
	}
	var rev reviewHeader
	if err := json.Unmarshal(buf.Bytes(), &rev); err != nil {
		s.httpError(w, http.StatusBadRequest, "decode", "the body is not an AdmissionReview: "+err.Error())
		return
	}
	if rev.Kind != "AdmissionReview" || (rev.APIVersion != "admission.k8s.io/v1" && rev.APIVersion != "admission.k8s.io/v1beta1") || rev.Request == nil {
		s.httpError(w, http.StatusBadRequest, "decode", fmt.Sprintf("the body is not an admission.k8s.io/v1 AdmissionReview with a request (apiVersion %q, kind %q)", rev.APIVersion, rev.Kind))
		return
	}
	req := rev.Request
	resp := s.admitSafely(r.Context(), req)
	answer := "allowed"
	switch {
	case !resp.Allowed && resp.Result != nil && resp.Result.Code >= 500:
		answer = "error"
	case !resp.Allowed:
		answer = "denied"
	}
	out := admissionv1.AdmissionReview{TypeMeta: rev.TypeMeta, Response: resp}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(&out); err != nil {
		s.log.Error("writing the answer failed", "uid", string(req.UID), "err", err)
	}
	dry := "false"
	if req.DryRun != nil && *req.DryRun {
		dry = "true"
	}
	s.metrics.requests.inc(labelValues{string(req.Operation), req.Kind.Kind, dry, answer})
	elapsed := time.Since(start)
	s.metrics.latency.observe(elapsed)
	if answer != "allowed" || s.log.Enabled(r.Context(), slog.LevelDebug) {
		s.log.Info("review", "uid", string(req.UID), "operation", string(req.Operation), "kind", req.Kind.Kind,
			"namespace", req.Namespace, "name", req.Name, "user", req.UserInfo.Username, "dryRun", dry,
			"answer", answer, "warnings", len(resp.Warnings), "duration", elapsed)
	}
}

// admitSafely is admit with a panic turned into an error answer that
// denies the request.
func (s *Server) admitSafely(ctx context.Context, req *admissionv1.AdmissionRequest) (resp *admissionv1.AdmissionResponse) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic while judging a review", "uid", string(req.UID), "kind", req.Kind.Kind,
				"namespace", req.Namespace, "name", req.Name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			s.metrics.errors.inc(labelValues{"panic"})
			status := apierrors.NewInternalError(errors.New("kubestride webhook: internal error while judging the request")).ErrStatus
			resp = &admissionv1.AdmissionResponse{UID: req.UID, Allowed: false, Result: &status,
				AuditAnnotations: map[string]string{AnnotationError: "internal error while judging the request"}}
		}
	}()
	return s.admit(ctx, req)
}

func (s *Server) httpError(w http.ResponseWriter, code int, reason, msg string) {
	s.metrics.errors.inc(labelValues{reason})
	s.log.Warn("bad review request", "reason", reason, "message", msg)
	http.Error(w, msg, code)
}
