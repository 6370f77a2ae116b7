package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/spf13/cobra"

	"github.com/kubestride/kubestride/internal/image/attest"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/sign"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/textsafe"
)

func newImageVerifyCommand(s IO) *cobra.Command {
	var (
		keys                              []string
		trustedRoot, format               string
		identity, identityRE, issuer, iRE string
		timeout                           time.Duration
		attestation                       bool
	)
	cmd := &cobra.Command{
		Use:   "verify IMAGE (--key cosign.pub | --trusted-root F --certificate-identity S --certificate-oidc-issuer I) | verify IMAGE --key cosign.pub --attestation",
		Short: "Verify an image's cosign signatures offline, for its digest",
		Long: `Resolve IMAGE to its digest and verify the cosign signatures of that digest: the classic
sha256-<hex>.sig tag and sigstore bundles attached as OCI referrers (cosign sign
--new-bundle-format). Signatures are checked against public keys (--key, repeatable: ECDSA,
RSA or ed25519 PEM) or, keyless, against the certificate authorities of a trusted root file
(sigstore's trusted_root.json, for those who run their own Fulcio) and a signer identity.
Nothing but the registry is contacted; no transparency log is required. Registry
credentials are read as docker and crane read them (the Docker config file and its
credential helpers).

With --attestation, the signed decision of kubestride image gate --sign-key on the
digest is checked instead: the DSSE envelope in the sha256-<hex>.att tag must verify with
one of the keys, its in-toto statement must name the digest as its subject and be of
predicate type ` + policy.PredicateType + `. The verdict, the policy
and report digests and the reasons it attests are printed (the latest decision when there
are several).

Exit codes: 0 a signature verified (with --attestation: an attestation verified, of a
passing verdict), 1 none did (the reason is printed; with --attestation, or the attested
verdict is fail), 2 a usage error or a registry that could not be read (never a pass).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usagef("--format: unknown format %q (want text, json)", format)
			}
			var o sign.Options
			for _, k := range keys {
				key, err := sign.LoadKey(k)
				if err != nil {
					return usagef("--key %v", err)
				}
				o.Keys = append(o.Keys, key)
			}
			keyless := trustedRoot != "" || identity != "" || identityRE != "" || issuer != "" || iRE != ""
			if attestation {
				if keyless {
					return usagef("--attestation checks the gate's attestation with --key; keyless flags do not apply")
				}
				if len(o.Keys) == 0 {
					return usagef("--attestation needs --key, the public key of the gate's --sign-key")
				}
				return runVerifyAttestation(cmd.Context(), s, args[0], format, o.Keys, timeout)
			}
			if keyless {
				if trustedRoot == "" {
					return usagef("--certificate-identity and --certificate-oidc-issuer need --trusted-root")
				}
				tr, err := sign.LoadTrustedRoot(trustedRoot)
				if err != nil {
					return usagef("--trusted-root: %v", err)
				}
				o.Keyless = &sign.Keyless{Root: tr, Identities: []sign.Identity{{Issuer: issuer, IssuerRegexp: iRE, Subject: identity, SubjectRegexp: identityRE}}}
			}
			if len(o.Keys) == 0 && o.Keyless == nil {
				return usagef("give --key, or --trusted-root with --certificate-identity and --certificate-oidc-issuer")
			}
			if err := o.Validate(); err != nil {
				return usagef("%v", err)
			}
			o.Remote = []remote.Option{remote.WithAuthFromKeychain(authn.DefaultKeychain), remote.WithUserAgent("kubestride/" + version())}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			res, err := sign.Verify(ctx, args[0], o)
			if err != nil {
				errLinef(s.Err, "kubestride: %s: could not be verified: %v", args[0], err)
				return exitError{report.ExitError}
			}
			if err := writeImageVerify(s.Out, format, res); err != nil {
				return err
			}
			if !res.Verified {
				return exitError{report.ExitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&keys, "key", nil, "a public key file (PEM) signatures may be made with (repeatable)")
	f.StringVar(&trustedRoot, "trusted-root", "", "sigstore trusted_root.json whose certificate authorities issue keyless signers' certificates")
	f.StringVar(&identity, "certificate-identity", "", "the keyless signer's identity (the certificate's email or URI)")
	f.StringVar(&identityRE, "certificate-identity-regexp", "", "a regular expression the keyless signer's identity must match")
	f.StringVar(&issuer, "certificate-oidc-issuer", "", "the OIDC issuer of the keyless signer's identity")
	f.StringVar(&iRE, "certificate-oidc-issuer-regexp", "", "a regular expression the OIDC issuer must match")
	f.DurationVar(&timeout, "timeout", time.Minute, "give up on the registry after this long")
	f.StringVarP(&format, "format", "f", "text", "output format: text|json")
	f.BoolVar(&attestation, "attestation", false, "check the signed decision of kubestride image gate attached to the digest, not its signatures")
	return cmd
}

func runVerifyAttestation(ctx context.Context, s IO, image, format string, keys []sign.Key, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ropts := []remote.Option{remote.WithAuthFromKeychain(authn.DefaultKeychain), remote.WithUserAgent("kubestride/" + version())}
	res, err := attest.Verify(ctx, image, keys, ropts...)
	if err != nil {
		errLinef(s.Err, "kubestride: %s: could not be verified: %v", image, err)
		return exitError{report.ExitError}
	}
	if format == "json" {
		if err := writeJSON(s.Out, res); err != nil {
			return err
		}
	} else if _, err := io.WriteString(s.Out, textsafe.Text(attestationText(res))); err != nil {
		return err
	}
	if !res.Verified || res.Statement.Predicate.Verdict != policy.Pass {
		return exitError{report.ExitFindings}
	}
	return nil
}

func attestationText(res *attest.Result) string {
	var b strings.Builder
	if !res.Verified {
		fmt.Fprintf(&b, "REFUSED   %s: %s: %s\n", res.Digest, res.Reason, res.Detail)
	} else {
		p := res.Statement.Predicate
		fmt.Fprintf(&b, "ATTESTED  %s: verdict %s, decided %s\n", res.Digest, p.Verdict, p.Time)
		fmt.Fprintf(&b, "  policy   %s sha256:%s\n", p.Policy.URI, p.Policy.Digest.SHA256)
		if p.Report != nil {
			fmt.Fprintf(&b, "  report   %s sha256:%s (%s)\n", p.Report.URI, p.Report.Digest.SHA256, p.Report.Format)
		} else {
			b.WriteString("  report   none\n")
		}
		for _, group := range []struct {
			label   string
			reasons []policy.Reason
		}{{"fail", p.Reasons}, {"not evaluated", p.NotEvaluated}, {"warning", p.Warnings}, {"suppressed", p.Suppressed}} {
			for _, r := range group.reasons {
				fmt.Fprintf(&b, "  %s (%s): %s\n", group.label, r.Rule, r.Message)
			}
		}
	}
	for _, a := range res.Attestations {
		if a.Verified {
			fmt.Fprintf(&b, "  ok       %s: key %s\n", a.Source, a.Key)
		} else {
			fmt.Fprintf(&b, "  refused  %s: %s: %s\n", a.Source, a.Reason, a.Detail)
		}
	}
	return b.String()
}

func writeImageVerify(w io.Writer, format string, res *sign.Result) error {
	if format == "json" {
		return writeJSON(w, res)
	}
	var b strings.Builder
	if res.Verified {
		fmt.Fprintf(&b, "VERIFIED  %s\n", res.Digest)
	} else {
		fmt.Fprintf(&b, "REFUSED   %s: %s: %s\n", res.Digest, res.Reason, res.Detail)
	}
	for _, sg := range res.Signatures {
		switch {
		case sg.Verified && sg.Key != "":
			fmt.Fprintf(&b, "  ok       %-7s %s: key %s\n", sg.Layout, sg.Source, sg.Key)
		case sg.Verified:
			fmt.Fprintf(&b, "  ok       %-7s %s: signer %s (%s), matches %s\n", sg.Layout, sg.Source, sg.Signer.Subject, sg.Signer.Issuer, sg.Identity)
		default:
			fmt.Fprintf(&b, "  refused  %-7s %s: %s: %s\n", sg.Layout, sg.Source, sg.Reason, sg.Detail)
		}
	}
	_, err := io.WriteString(w, textsafe.Text(b.String()))
	return err
}
