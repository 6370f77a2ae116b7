package gate

import (
	"context"
	"fmt"
	"time"

	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/vuln"
)

// Verifier verifies the signatures of the image ref (pinned to its digest)
// under the rules of the policy that apply to its repository.
type Verifier func(ctx context.Context, ref image.Ref, rules []policy.SignatureRule) policy.Signatures

// Attester signs the statement of a decision and attaches it to the
// image at (pinned to its digest); it returns where the attestation is.
type Attester func(ctx context.Context, st policy.Statement, at image.Ref) (string, error)

// Options configure Run.
type Options struct {
	// Client reaches the registries; required.
	Client *image.Client
	// Policy is the image policy; required.
	Policy *policy.Policy
	// Report is the vulnerability report; nil when none was given (the
	// vulnerability rules are then not evaluated).
	Report *vuln.Report
	// Verify verifies signatures; nil leaves them unchecked, which the
	// decision reports where the policy requires signatures.
	Verify Verifier
	// PromoteTo and QuarantineTo are repositories ("registry/path") the
	// image is copied to when it passes, or does not; empty for no copy.
	PromoteTo, QuarantineTo string
	// Attest, when set, attests the decision on the image in the
	// repository it was copied to, or in its own when no copy was made.
	Attest Attester
	// Now is the time the decision is made at (ignore entries' expiry,
	// the report's age); zero means time.Now().
	Now time.Time
}

// Destination says where the gate copied the image.
type Destination string

// Destinations.
const (
	NotCopied   Destination = ""
	Promoted    Destination = "promoted"
	Quarantined Destination = "quarantined"
)

// Result is what Run decided and did.
type Result struct {
	// Facts are what the registry says of the image.
	Facts image.Facts
	// Decision is the policy's judgement.
	Decision policy.Decision
	// Destination and Copied describe the copy, when one was made.
	Destination Destination
	Copied      *image.Copied
	// Attestation is where the signed statement of the decision was
	// attached; empty when none was.
	Attestation string
}

// Run gates the image named by ref. An error means the image could not be
// judged at all (a reference that does not parse, an unreachable registry,
// an unknown tag) or the copy failed after the decision (the Result then
// holds the decision).
func Run(ctx context.Context, ref string, o Options) (*Result, error) {
	if o.Client == nil || o.Policy == nil {
		return nil, fmt.Errorf("gate %s: a registry client and a policy are required", ref)
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	r, err := image.ParseRef(ref)
	if err != nil {
		return nil, err
	}
	facts, err := o.Client.Facts(ctx, r)
	if err != nil {
		return nil, err
	}
	sigs := policy.Signatures{Error: "signature verification was not configured"}
	if o.Verify != nil {
		sigs = o.Verify(ctx, facts.Ref, o.Policy.Signatures)
	}
	res := &Result{Facts: facts, Decision: o.Policy.Evaluate(imageOf(ref, facts), sigs, o.Report, now)}

	dst, where := o.QuarantineTo, Quarantined
	if res.Decision.Verdict == policy.Pass {
		dst, where = o.PromoteTo, Promoted
	}
	at := facts.Ref
	if dst != "" {
		copied, err := o.Client.Copy(ctx, facts.Ref, dst)
		if err != nil {
			return res, fmt.Errorf("%s to %s: %w", where, dst, err)
		}
		res.Destination, res.Copied = where, &copied
		at = copied.Target
	}
	if o.Attest == nil {
		return res, nil
	}
	st, err := res.Decision.Statement()
	if err != nil {
		return res, err
	}
	if res.Attestation, err = o.Attest(ctx, st, at); err != nil {
		return res, fmt.Errorf("attest the decision on %s: %w", at, err)
	}
	return res, nil
}

// imageOf is what the policy judges of the image written as ref: its
// digest, an index's platform digests, and its base. An index names its
// base on itself or, as most builders write it, on each platform's image;
// the first platform's stands for all (they are built from one base).
func imageOf(ref string, f image.Facts) policy.Image {
	img := policy.Image{Reference: ref, Digest: f.Digest.String()}
	base := f
	for i, m := range f.Manifests {
		img.Platforms = append(img.Platforms, m.Digest.String())
		if i == 0 && f.BaseName == "" && f.BaseDigest == "" && len(f.History) == 0 {
			base = m
		}
	}
	img.Base = policy.Base{Name: base.BaseName, Digest: base.BaseDigest}
	for _, h := range base.History {
		img.Base.History = append(img.Base.History, h.CreatedBy)
	}
	return img
}
