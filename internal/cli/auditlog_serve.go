package cli

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/auditserve"
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/pss"
)

// AuditServeOptions are the flags of kubestride auditlog serve.
type AuditServeOptions struct {
	CertFile, KeyFile string
	Listen            string
	ConfigFile        string
	LogFormat         string
	PSSVersion        string
	MaxRequestBytes   int64
	ShutdownTimeout   time.Duration
	Interval          time.Duration
	MaxWindowEvents   int
	Detect            auditlog.Options
}

func newAuditLogServeCommand(s IO) *cobra.Command {
	o := &AuditServeOptions{}
	cmd := &cobra.Command{
		Use:   "serve --tls-cert-file FILE --tls-private-key-file FILE [--listen ADDR] [--config FILE]",
		Short: "Receive the API server's audit webhook batches and report what looks like an attack, live",
		Long: `Serve the API server's audit webhook over TLS: the API server started with
--audit-webhook-config-file (a kubeconfig whose cluster is https://ADDR/audit and whose CA
signed --tls-cert-file) POSTs batches of audit.k8s.io/v1 events to /audit, and the
audit-log checks of kubestride auditlog report run over them as they arrive. Each finding
is logged as one structured line ("finding": check, severity, category, principal,
message, auditIDs); /metrics counts batches, events, decode errors and findings by check
and severity; /healthz and /readyz answer probes.

The checks that summarise (secrets read, exec, each principal's activity) report when a
window closes: every --interval, or after --max-window-events events; the checks across
events keep their own windows (--forbidden-window, --cover-window), evicted as they
close, so memory stays bounded. Several replicas behind a Service share the batches; a
detection across events is made only when its events reach the same replica.

Secret values are never logged. On SIGTERM the server stops taking batches, waits for
those in flight, and reports the window still open.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runAuditServe(ctx, s, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.CertFile, "tls-cert-file", "", "serving certificate (PEM), read again when it changes")
	f.StringVar(&o.KeyFile, "tls-private-key-file", "", "serving certificate's private key (PEM)")
	f.StringVar(&o.Listen, "listen", auditserve.DefaultListen, "address to listen on")
	f.StringVar(&o.ConfigFile, "config", "", "configuration file (checks disabled, severities: see docs/kubestride.example.yaml)")
	f.StringVar(&o.LogFormat, "log-format", "json", "log format: json|text")
	f.StringVar(&o.PSSVersion, "pss-version", "latest", "Pod Security Standards version pods created are judged at: v1.N|latest")
	f.Int64Var(&o.MaxRequestBytes, "max-request-bytes", auditserve.DefaultMaxRequestBytes, "largest batch accepted")
	f.DurationVar(&o.ShutdownTimeout, "shutdown-timeout", auditserve.DefaultShutdownTimeout, "on SIGTERM, how long to wait for batches in flight")
	f.DurationVar(&o.Interval, "interval", auditserve.DefaultInterval, "how often a window closes and the summarising checks report")
	f.IntVar(&o.MaxWindowEvents, "max-window-events", auditserve.DefaultMaxWindowEvents, "events after which a window closes before --interval")
	f.DurationVar(&o.Detect.ForbiddenWindow, "forbidden-window", time.Minute, "the window of a burst of authorization denials")
	f.IntVar(&o.Detect.ForbiddenThreshold, "forbidden-threshold", 20, "the denials by one principal within --forbidden-window that make a burst")
	f.DurationVar(&o.Detect.CoverWindow, "cover-window", 24*time.Hour, "how long a created binding is followed, for its deletion by its creator or subject")
	return cmd
}

func runAuditServe(ctx context.Context, s IO, o *AuditServeOptions) error {
	if o.CertFile == "" || o.KeyFile == "" {
		return usagef("--tls-cert-file and --tls-private-key-file are required")
	}
	var log *slog.Logger
	switch o.LogFormat {
	case "json":
		log = slog.New(slog.NewJSONHandler(s.Err, nil))
	case "text":
		log = slog.New(slog.NewTextHandler(s.Err, nil))
	default:
		return usagef("--log-format: %q is not json or text", o.LogFormat)
	}
	for _, c := range []struct {
		name string
		bad  bool
	}{{"--interval", o.Interval <= 0}, {"--max-window-events", o.MaxWindowEvents <= 0}, {"--max-request-bytes", o.MaxRequestBytes <= 0},
		{"--forbidden-window", o.Detect.ForbiddenWindow <= 0}, {"--forbidden-threshold", o.Detect.ForbiddenThreshold <= 0}, {"--cover-window", o.Detect.CoverWindow <= 0}} {
		if c.bad {
			return usagef("%s must be positive", c.name)
		}
	}
	lv, err := pss.ParseLevelVersion("baseline", o.PSSVersion)
	if err != nil {
		return usagef("--pss-version: %v", err)
	}
	o.Detect.PSS = lv
	reg := check.Default()
	var cfg *config.Config
	if o.ConfigFile != "" {
		if cfg, err = config.Load(o.ConfigFile, reg); err != nil {
			return usageError{err}
		}
	}
	srv, err := auditserve.New(auditserve.Options{
		Registry: reg, Config: cfg, Detect: o.Detect, CertFile: o.CertFile, KeyFile: o.KeyFile, Listen: o.Listen, Logger: log,
		MaxRequestBytes: o.MaxRequestBytes, ShutdownTimeout: o.ShutdownTimeout, Interval: o.Interval, MaxWindowEvents: o.MaxWindowEvents,
	})
	if err != nil {
		return usageError{err}
	}
	return srv.Run(ctx)
}
