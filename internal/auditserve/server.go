package auditserve

import (
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
	"sync"
	"sync/atomic"
	"time"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/servecert"
)

// Defaults of Options.
const (
	DefaultListen = ":8444"
	// DefaultMaxRequestBytes bounds a batch's body. The API server sends
	// up to --audit-webhook-batch-max-size events (400 by default) a
	// batch; at the RequestResponse level each may hold an object twice.
	DefaultMaxRequestBytes = 64 << 20
	// DefaultInterval is how often the windows close.
	DefaultInterval = time.Minute
	// DefaultMaxWindowEvents closes a window early on a busy stream.
	DefaultMaxWindowEvents = 100000
	// The API server gives its webhook 30 seconds a batch by default.
	DefaultReadTimeout     = 30 * time.Second
	DefaultWriteTimeout    = 30 * time.Second
	DefaultIdleTimeout     = 90 * time.Second
	DefaultShutdownTimeout = 30 * time.Second
	DefaultCertInterval    = 10 * time.Second
	// Path is where batches are received.
	Path = "/audit"
)

// Options configure a Server.
type Options struct {
	// Registry is the catalogue; nil means check.Default(). Its audit-log
	// checks run, but for those Config disables.
	Registry *check.Registry
	// Config disables checks and overrides severities; nil means none.
	Config *config.Config
	// Detect tunes the checks (PSS version, burst and cover windows).
	Detect auditlog.Options
	// CertFile and KeyFile are the serving certificate and key, read again
	// when they change. Required.
	CertFile, KeyFile string
	// Listen is the address to listen on (DefaultListen when empty), unless
	// Listener is set.
	Listen string
	// Listener, when set, is served instead of listening on Listen.
	Listener net.Listener
	// Logger receives the findings and the server's own logs; nil means
	// slog.Default().
	Logger *slog.Logger
	// Now is the clock windows close by; nil means time.Now.
	Now func() time.Time
	// MaxRequestBytes bounds a batch (DefaultMaxRequestBytes when 0).
	MaxRequestBytes int64
	// Interval is how often the windows close (DefaultInterval when 0);
	// MaxWindowEvents closes one after that many events
	// (DefaultMaxWindowEvents when 0).
	Interval        time.Duration
	MaxWindowEvents int
	// The HTTP server's timeouts, and how long Run waits for batches in
	// flight once its context ends (the defaults when 0).
	ReadTimeout, WriteTimeout, IdleTimeout, ShutdownTimeout time.Duration
	// CertInterval is how often, at most, the certificate files are looked
	// at for a change (DefaultCertInterval when 0).
	CertInterval time.Duration
}

// Server receives audit webhook batches and runs the audit-log checks over
// them.
type Server struct {
	opts    Options
	log     *slog.Logger
	now     func() time.Time
	metrics metrics
	certs   *servecert.Reloader
	mux     *http.ServeMux
	ready   atomic.Bool
	metas   map[check.ID]check.Meta
	sevs    map[check.ID]check.Severity // configured overrides

	// mu serialises the engine: batches are observed one at a time.
	mu          sync.Mutex
	engine      *auditlog.Engine
	windowCount int
	closed      bool
	// latest is the latest event time seen, and seenAt the clock's time
	// then: windows close on the API server's clock, not this one.
	latest, seenAt time.Time
}

// New prepares a Server: it reads the certificate (an error when it does
// not load) and selects the checks; nothing is started.
func New(opts Options) (*Server, error) {
	if opts.CertFile == "" || opts.KeyFile == "" {
		return nil, errors.New("auditlog serve: --tls-cert-file and --tls-private-key-file are required")
	}
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if opts.MaxRequestBytes <= 0 {
		opts.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if opts.MaxWindowEvents <= 0 {
		opts.MaxWindowEvents = DefaultMaxWindowEvents
	}
	for _, d := range []struct {
		p *time.Duration
		v time.Duration
	}{{&opts.Interval, DefaultInterval}, {&opts.ReadTimeout, DefaultReadTimeout}, {&opts.WriteTimeout, DefaultWriteTimeout},
		{&opts.IdleTimeout, DefaultIdleTimeout}, {&opts.ShutdownTimeout, DefaultShutdownTimeout}, {&opts.CertInterval, DefaultCertInterval}} {
		if *d.p <= 0 {
			*d.p = d.v
		}
	}
	s := &Server{opts: opts, log: opts.Logger, now: opts.Now, metas: map[check.ID]check.Meta{}, sevs: map[check.ID]check.Severity{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	reg := opts.Registry
	if reg == nil {
		reg = check.Default()
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = &config.Config{}
	}
	var checks []check.Check
	for _, c := range reg.All() {
		m := c.Meta()
		cc := cfg.Checks[m.ID]
		if _, ok := c.(auditlog.Detection); !ok || cc.Disabled || (m.Optional && !cc.Enabled) {
			continue
		}
		if cc.Severity != "" {
			sev, err := check.ParseSeverity(cc.Severity)
			if err != nil {
				return nil, fmt.Errorf("checks.%s.severity: %w", m.ID, err)
			}
			s.sevs[m.ID] = sev
		}
		s.metas[m.ID] = m
		checks = append(checks, c)
	}
	if len(checks) == 0 {
		return nil, errors.New("auditlog serve: the configuration leaves no audit-log check to run")
	}
	s.engine = auditlog.NewEngine(checks, opts.Detect, s.report)
	certs, err := servecert.NewReloader(opts.CertFile, opts.KeyFile, opts.CertInterval, s.log)
	if err != nil {
		return nil, err
	}
	s.certs = certs
	s.mux = http.NewServeMux()
	s.mux.HandleFunc(Path, s.receive)
	s.mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		s.metrics.write(w)
	})
	s.mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	s.mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !s.ready.Load() {
			http.Error(w, "not serving", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	return s, nil
}

// Handler serves the batches, /metrics, /healthz and /readyz.
func (s *Server) Handler() http.Handler { return s.mux }

// report logs and counts one finding of check id; it runs with s.mu held.
func (s *Server) report(id check.ID, f check.Finding) {
	m := s.metas[id]
	sev := m.Severity
	if f.Severity.Valid() {
		sev = f.Severity
	}
	if o, ok := s.sevs[id]; ok {
		sev = o
	}
	s.metrics.findings.add(1, string(id), sev.String())
	attrs := []slog.Attr{
		slog.String("check", string(id)),
		slog.String("severity", sev.String()),
		slog.String("category", string(m.Category)),
		slog.String("title", m.Title),
		slog.String("reason", f.Reason),
		slog.String("message", f.Message()),
	}
	if t := f.AuditTrail; t != nil {
		ids := make([]string, len(t.Events))
		for i, e := range t.Events {
			ids[i] = e.AuditID
		}
		attrs = append(attrs, slog.String("principal", t.Principal), slog.Any("auditIDs", ids))
		if len(t.Events) > 0 {
			attrs = append(attrs, slog.Time("first", t.Events[0].Time.UTC()), slog.Time("last", t.Events[len(t.Events)-1].Time.UTC()))
		}
	}
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "finding", attrs...)
}

// eventList is an audit.k8s.io/v1 EventList, its items left to
// auditlog.Decode.
type eventList struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Items      []json.RawMessage `json:"items"`
}

// stages are the stage label values; any other is "other".
var stages = map[string]bool{"RequestReceived": true, "ResponseStarted": true, "ResponseComplete": true, "Panic": true}

// receive handles one batch.
func (s *Server) receive(w http.ResponseWriter, r *http.Request) {
	code, msg := s.batch(w, r)
	s.metrics.batches.add(1, fmt.Sprint(code))
	if code != http.StatusOK {
		s.log.Warn("audit batch refused", "code", code, "err", msg, "remote", r.RemoteAddr)
		http.Error(w, msg, code)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) batch(w http.ResponseWriter, r *http.Request) (int, string) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return http.StatusMethodNotAllowed, "audit batches are POSTed"
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return http.StatusUnsupportedMediaType, fmt.Sprintf("content type %q is not application/json", r.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxRequestBytes))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return http.StatusRequestEntityTooLarge, fmt.Sprintf("batch larger than %d bytes (raise --max-request-bytes, or lower the API server's --audit-webhook-batch-max-size)", s.opts.MaxRequestBytes)
		}
		return http.StatusBadRequest, fmt.Sprintf("read the batch: %v", err)
	}
	var list eventList
	if err := json.Unmarshal(body, &list); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return http.StatusBadRequest, fmt.Sprintf("batch is not JSON: offset %d: %v", se.Offset, se)
		}
		return http.StatusBadRequest, "batch is not an EventList: " + err.Error()
	}
	if list.APIVersion != auditlog.APIVersion || list.Kind != "EventList" {
		return http.StatusBadRequest, fmt.Sprintf("batch is not an %s EventList: apiVersion %q, kind %q", auditlog.APIVersion, list.APIVersion, list.Kind)
	}
	events := make([]auditlog.Event, len(list.Items))
	ok := events[:0]
	for i, item := range list.Items {
		e := &events[len(ok)]
		err := auditlog.Decode(item, e)
		if err == nil && e.APIVersion == "" && e.Kind == "" {
			// The items of a list need not repeat its version.
			e.APIVersion, e.Kind = list.APIVersion, "Event"
		}
		if err == nil {
			err = e.Check()
		}
		if err != nil {
			s.metrics.decodeErrors.Add(1)
			s.log.Warn("audit event not read", "item", i, "err", err, "remote", r.RemoteAddr)
			continue
		}
		ok = ok[:len(ok)+1]
	}
	s.observe(ok)
	return http.StatusOK, ""
}

// observe runs events through the checks, closing the window when it
// holds MaxWindowEvents.
func (s *Server) observe(events []auditlog.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	for i := range events {
		e := &events[i]
		stage := e.Stage
		if !stages[stage] {
			stage = "other"
		}
		s.metrics.events.add(1, stage)
		if t := e.StageTime; t.After(s.latest) {
			s.latest, s.seenAt = t, s.now()
		}
		s.engine.Observe(e, auditlog.Position{})
		s.windowCount++
		if s.windowCount >= s.opts.MaxWindowEvents {
			s.tickLocked()
		}
	}
	s.metrics.windowEvents.Store(int64(s.windowCount))
}

// Tick closes the window now, as the timer does every Interval.
func (s *Server) Tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.tickLocked()
	}
}

// tickLocked closes the window at the API server's time: the latest event
// time seen plus the time passed since, so that a clock skew between the
// API server and this server does not expire the checks' state early or
// late.
func (s *Server) tickLocked() {
	now := s.now()
	if !s.latest.IsZero() {
		now = s.latest.Add(now.Sub(s.seenAt))
	}
	s.engine.Tick(now)
	s.windowCount = 0
	s.metrics.windowEvents.Store(0)
	s.metrics.windows.Add(1)
}

// Close closes the last window and the engine: what is pending is
// reported, and batches received after are dropped. Run calls it.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.tickLocked()
	for _, n := range s.engine.Close() {
		s.log.Warn("audit stream", "notice", n.Message)
	}
	s.closed = true
}

// Run serves until ctx ends, then stops taking connections, waits up to
// ShutdownTimeout for the batches in flight, and closes the last window.
func (s *Server) Run(ctx context.Context) error {
	ln := s.opts.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", s.opts.Listen); err != nil {
			return fmt.Errorf("listen on %s: %w", s.opts.Listen, err)
		}
	}
	srv := &http.Server{
		Handler:           s.mux,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: s.certs.GetCertificate},
		ReadTimeout:       s.opts.ReadTimeout,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.ServeTLS(ln, "", "") }()
	s.ready.Store(true)
	s.log.Info("serving audit webhook batches", "addr", ln.Addr().String(), "path", Path, "interval", s.opts.Interval.String(), "maxWindowEvents", s.opts.MaxWindowEvents)
	ticker := time.NewTicker(s.opts.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			s.Tick()
		case err := <-served:
			s.ready.Store(false)
			s.Close()
			return fmt.Errorf("serve: %w", err)
		case <-ctx.Done():
			s.ready.Store(false)
			sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
			err := srv.Shutdown(sctx)
			cancel()
			s.Close()
			if err != nil {
				return fmt.Errorf("shutdown: %w", err)
			}
			s.log.Info("stopped")
			return nil
		}
	}
}
