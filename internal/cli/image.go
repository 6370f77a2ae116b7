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

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/attest"
	"github.com/kubestride/kubestride/internal/image/gate"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/sign"
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
	Keys                    []string
	SignKey                 string
	PromoteTo, QuarantineTo string
	Format                  string
	Timeout                 time.Duration
}

func newImageGateCommand(s IO) *cobra.Command {
	o := &ImageGateOptions{}
	cmd := &cobra.Command{
		Use:   "gate IMAGE --policy FILE [--report FILE] [--key cosign.pub] [--sign-key cosign.key] [--promote-to REPO] [--quarantine-to REPO]",
		Short: "Decide whether an image may be promoted, and promote or quarantine it by digest",
		Long: `Resolve IMAGE to its digest, judge it with the image policy (approved repositories,
digests, signatures, base images, vulnerabilities: see docs/image-policy.example.yaml)
against a vulnerability report on that digest (Trivy JSON, Grype JSON, SARIF or
CycloneDX), and copy it by digest, with its signatures, attestations and referrers, to
--promote-to when it passes or --quarantine-to when it does not.

Signatures are verified offline (cosign's .sig tag and sigstore bundle referrers) with
the keys and keyless identities of the policy's signature rules; --key adds a rule that
requires a signature of the image by one of the keys given. With --sign-key (cosign's
encrypted cosign.key, its password from COSIGN_PASSWORD, or a plain PEM ECDSA, ed25519 or
RSA key) the decision's in-toto statement is signed as a DSSE envelope and attached to the
image's digest in cosign's attestation layout (the sha256-<hex>.att tag) in the repository
it was copied to, or in its own when no copy is made: check it with
kubestride image verify IMAGE --key cosign.pub --attestation, or with cosign
verify-attestation --key cosign.pub --type ` + policy.PredicateType + `.

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
	f.StringArrayVar(&o.Keys, "key", nil, "a public key file (PEM) the image must be signed with, one of those given (repeatable)")
	f.StringVar(&o.SignKey, "sign-key", "", "private key that signs the attestation of the decision (cosign.key; password from $COSIGN_PASSWORD)")
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
	gopts := gate.Options{Policy: p, Report: rep, PromoteTo: o.PromoteTo, QuarantineTo: o.QuarantineTo, Now: fixedNow}
	if err := gateSigning(ref, o, &gopts); err != nil {
		return err
	}
	client, err := image.NewClient(image.Options{Timeout: o.Timeout})
	if err != nil {
		return err
	}
	gopts.Client = client
	res, err := gate.Run(ctx, ref, gopts)
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
	if res.Attestation != "" {
		line("attested: %s", res.Attestation)
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
	Attestation  string            `json:"attestation,omitempty"`
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
		Destination: res.Destination, Attestation: res.Attestation}
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

// gateSigning sets the signature verifier of the gate, with the rule --key
// adds, and its attester when --sign-key is given. The options are checked
// before any registry is contacted.
func gateSigning(ref string, o *ImageGateOptions, g *gate.Options) error {
	ropts := []remote.Option{remote.WithAuthFromKeychain(authn.DefaultKeychain), remote.WithUserAgent("kubestride/" + version())}
	if len(o.Keys) > 0 {
		var keys []sign.Key
		for _, k := range o.Keys {
			key, err := sign.LoadKey(k)
			if err != nil {
				return usagef("--key %v", err)
			}
			keys = append(keys, key)
		}
		repo, err := policy.Repository(ref)
		if err != nil {
			return usagef("image %q: %v", ref, err)
		}
		rule, err := gate.KeyRule(repo, "--key", keys)
		if err != nil {
			return usagef("--key: %v", err)
		}
		g.Policy.Signatures = append(g.Policy.Signatures, rule)
	}
	verify, timeout := gate.SignatureVerifier(ropts...), o.Timeout
	g.Verify = func(ctx context.Context, ref image.Ref, rules []policy.SignatureRule) policy.Signatures {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return verify(ctx, ref, rules)
	}
	if o.SignKey == "" {
		return nil
	}
	signer, err := attest.LoadSigner(o.SignKey, attest.PasswordFromEnv)
	if err != nil {
		return usagef("--sign-key %v", err)
	}
	g.Attest = func(ctx context.Context, st policy.Statement, at image.Ref) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		d, err := name.NewDigest(at.String())
		if err != nil {
			return "", err
		}
		env, err := signer.Sign(ctx, st)
		if err != nil {
			return "", err
		}
		if _, err := attest.Attach(ctx, d, env, st.PredicateType, ropts...); err != nil {
			return "", err
		}
		return attest.Tag(d).String(), nil
	}
	return nil
}
