package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/gate"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/vuln"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/textsafe"
)

func newImageCommand(s IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Judge container images before they run: policy, signatures, vulnerabilities, promotion",
		Long: `Judge container images in their registry. Registries are reached with the credentials
of the Docker config file ($DOCKER_CONFIG/config.json or ~/.docker/config.json) and its
credential helpers, as crane and cosign use them.`,
	}
	cmd.AddCommand(newImageVerifyCommand(s), newImageGateCommand(s))
	return cmd
}

// ImageGateOptions are the flags of kubestride image gate.
type ImageGateOptions struct {
	Policy, Report          string
	PromoteTo, QuarantineTo string
	Format                  string
	Timeout                 time.Duration
}

func newImageGateCommand(s IO) *cobra.Command {
	o := &ImageGateOptions{}
	cmd := &cobra.Command{
		Use:   "gate IMAGE --policy FILE [--report FILE] [--promote-to REPO] [--quarantine-to REPO]",
		Short: "Decide whether an image may be promoted, and promote or quarantine it by digest",
		Long: `Resolve IMAGE to its digest, judge it with the image policy (approved repositories,
digests, signatures, base images, vulnerabilities: see docs/image-policy.example.yaml)
against a vulnerability report on that digest (Trivy JSON, Grype JSON, SARIF or
CycloneDX), and copy it by digest, with its signatures, attestations and referrers, to
--promote-to when it passes or --quarantine-to when it does not.

The exit code is 0 when the image passes, 1 when it breaks the policy, and 2 when a rule
could not be evaluated (no report, a report on another digest or too old, signatures not
checked) or the image could not be reached: what was not judged is never a pass.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runImageGate(ctx, s, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Policy, "policy", "", "image policy file (required)")
	f.StringVar(&o.Report, "report", "", "vulnerability report on the image's digest")
	f.StringVar(&o.PromoteTo, "promote-to", "", "repository the image is copied to when it passes")
	f.StringVar(&o.QuarantineTo, "quarantine-to", "", "repository the image is copied to when it does not")
	f.StringVarP(&o.Format, "format", "f", "table", "output format: table|json")
	f.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "time allowed for each registry operation, the copy included")
	return cmd
}

func runImageGate(ctx context.Context, s IO, ref string, o *ImageGateOptions) error {
	if o.Policy == "" {
		return usagef("--policy is required")
	}
	if o.Format != "table" && o.Format != "json" {
		return usagef("--format: %q is not table or json", o.Format)
	}
	p, err := policy.Load(o.Policy)
	if err != nil {
		return err
	}
	var rep *vuln.Report
	if o.Report != "" {
		if rep, err = vuln.LoadReport(o.Report); err != nil {
			return err
		}
	}
	client, err := image.NewClient(image.Options{Timeout: o.Timeout})
	if err != nil {
		return err
	}
	res, err := gate.Run(ctx, ref, gate.Options{Client: client, Policy: p, Report: rep, PromoteTo: o.PromoteTo, QuarantineTo: o.QuarantineTo, Now: fixedNow})
	if res == nil {
		return err
	}
	if o.Format == "json" {
		if werr := writeGateJSON(s.Out, res); werr != nil {
			return werr
		}
	} else {
		writeGateTable(s.Out, res)
	}
	switch {
	case err != nil:
		errLinef(s.Err, "kubestride: %v", err)
		return exitError{report.ExitError}
	case !res.Decision.Complete():
		return exitError{report.ExitError}
	case res.Decision.Verdict != policy.Pass:
		return exitError{report.ExitFindings}
	}
	return nil
}

func writeGateTable(w io.Writer, res *gate.Result) {
	d := &res.Decision
	line := func(format string, args ...any) { fmt.Fprintln(w, textsafe.Line(fmt.Sprintf(format, args...))) }
	line("image %s", d.Image)
	line("verdict: %s", d.Verdict)
	for _, group := range []struct {
		label   string
		reasons []policy.Reason
	}{{"fail", d.Reasons}, {"not evaluated", d.NotEvaluated}, {"warning", d.Warnings}, {"suppressed", d.Suppressed}} {
		for _, r := range group.reasons {
			line("  %s (%s): %s", group.label, r.Rule, r.Message)
		}
	}
	if res.Copied != nil {
		line("%s: %s (%d attached: signatures, attestations, referrers)", res.Destination, res.Copied.Target, len(res.Copied.Attachments))
	}
}

// gateJSON is the JSON form of a gate's result.
type gateJSON struct {
	Image        string            `json:"image"`
	Digest       string            `json:"digest"`
	Verdict      policy.Verdict    `json:"verdict"`
	Complete     bool              `json:"complete"`
	Reasons      []policy.Reason   `json:"reasons"`
	NotEvaluated []policy.Reason   `json:"notEvaluated"`
	Warnings     []policy.Reason   `json:"warnings"`
	Suppressed   []policy.Reason   `json:"suppressed"`
	Destination  gate.Destination  `json:"destination,omitempty"`
	CopiedTo     string            `json:"copiedTo,omitempty"`
	Statement    *policy.Statement `json:"statement,omitempty"`
}

func writeGateJSON(w io.Writer, res *gate.Result) error {
	d := &res.Decision
	nonNil := func(rs []policy.Reason) []policy.Reason {
		if rs == nil {
			return []policy.Reason{}
		}
		return rs
	}
	out := gateJSON{Image: d.Image, Digest: d.Digest, Verdict: d.Verdict, Complete: d.Complete(),
		Reasons: nonNil(d.Reasons), NotEvaluated: nonNil(d.NotEvaluated), Warnings: nonNil(d.Warnings), Suppressed: nonNil(d.Suppressed),
		Destination: res.Destination}
	if res.Copied != nil {
		out.CopiedTo = res.Copied.Target.String()
	}
	if st, err := d.Statement(); err == nil {
		out.Statement = &st
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
