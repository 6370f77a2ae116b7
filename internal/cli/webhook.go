package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/webhook"
)

// WebhookOptions are the flags of kubestride webhook.
type WebhookOptions struct {
	CertFile, KeyFile string
	Listen            string
	ConfigFile        string
	LogFormat         string
	LogLevel          string
	MaxRequestBytes   int64
	ShutdownTimeout   time.Duration
	Kube              KubeOptions
}

func newWebhookCommand(s IO) *cobra.Command {
	o := &WebhookOptions{}
	cmd := &cobra.Command{
		Use:   "webhook --tls-cert-file FILE --tls-private-key-file FILE [--listen ADDR] [--config FILE]",
		Short: "Serve the admission webhook (enforce, audit and warn per namespace)",
		Long: "kubestride webhook serves admission.k8s.io/v1 AdmissionReviews on /validate over TLS, judging\n" +
			"each admitted object with the scan's checks by the policies its namespace's labels\n" +
			"(kubestride.io/enforce, kubestride.io/audit, kubestride.io/warn) name. It also serves /healthz,\n" +
			"/readyz and /metrics. It reads the cluster through its service account, or --kubeconfig outside it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runWebhook(ctx, s, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.CertFile, "tls-cert-file", "", "serving certificate (PEM), read again when it changes")
	f.StringVar(&o.KeyFile, "tls-private-key-file", "", "serving certificate's private key (PEM)")
	f.StringVar(&o.Listen, "listen", webhook.DefaultListen, "address to listen on")
	f.StringVar(&o.ConfigFile, "config", "", "configuration file (policies, defaults, exemptions: see docs/kubestride.example.yaml)")
	f.StringVar(&o.LogFormat, "log-format", "json", "log format: json|text")
	f.StringVar(&o.LogLevel, "log-level", "info", "log level: debug|info|warn|error (debug logs every review)")
	f.Int64Var(&o.MaxRequestBytes, "max-request-bytes", webhook.DefaultMaxRequestBytes, "largest admission review accepted")
	f.DurationVar(&o.ShutdownTimeout, "shutdown-timeout", webhook.DefaultShutdownTimeout, "on SIGTERM, how long to wait for reviews in flight")
	f.StringVar(&o.Kube.Kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config; in a pod, its service account)")
	f.StringVar(&o.Kube.Context, "context", "", "kubeconfig context to use")
	o.Kube.RequestTimeout = 30 * time.Second
	return cmd
}

func runWebhook(ctx context.Context, s IO, o *WebhookOptions) error {
	if o.CertFile == "" || o.KeyFile == "" {
		return usagef("--tls-cert-file and --tls-private-key-file are required")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.LogLevel)); err != nil {
		return usagef("--log-level: %q is not debug, info, warn or error", o.LogLevel)
	}
	hopts := &slog.HandlerOptions{Level: level}
	var log *slog.Logger
	switch o.LogFormat {
	case "json":
		log = slog.New(slog.NewJSONHandler(s.Err, hopts))
	case "text":
		log = slog.New(slog.NewTextHandler(s.Err, hopts))
	default:
		return usagef("--log-format: %q is not json or text", o.LogFormat)
	}
	reg := check.Default()
	var cfg *config.Config
	if o.ConfigFile != "" {
		c, err := config.Load(o.ConfigFile, reg)
		if err != nil {
			return usageError{err}
		}
		cfg = c
	}
	rc, err := o.Kube.restConfig()
	if err != nil {
		return usageError{err}
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return usageError{fmt.Errorf("kubernetes client: %w", err)}
	}
	srv, err := webhook.New(webhook.Options{
		Config: cfg, Registry: reg, Client: cs, CertFile: o.CertFile, KeyFile: o.KeyFile, Listen: o.Listen,
		Logger: log, MaxRequestBytes: o.MaxRequestBytes, ShutdownTimeout: o.ShutdownTimeout,
	})
	if err != nil {
		return usageError{err}
	}
	return srv.Run(ctx)
}
