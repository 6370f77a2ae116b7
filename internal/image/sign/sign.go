package sign

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Reason says why a signature did not verify.
type Reason string

// The reasons a signature, or an image, is refused.
const (
	// NoSignature: the digest has no signature in either layout.
	NoSignature Reason = "no signature"
	// OtherDigest: a valid signature, but of another digest (copied onto
	// this digest's .sig tag, say).
	OtherDigest Reason = "signature for another digest"
	// BadSignature: the signature does not verify with the key it names, or
	// with its certificate: the payload or the signature was altered.
	BadSignature Reason = "bad signature"
	// UnknownKey: made with a key that is none of the given keys, or with
	// a certificate that no trusted certificate authority issued.
	UnknownKey Reason = "unknown key"
	// IdentityMismatch: a valid keyless signature whose certificate names
	// an identity that none of the given identities matches.
	IdentityMismatch Reason = "identity mismatch"
	// Malformed: the signature could not be read (no signature annotation,
	// a payload that is not a cosign payload, a bundle that does not parse).
	Malformed Reason = "malformed signature"
)

// rank orders the reasons of an image none of whose signatures verified:
// the most telling one is the image's reason.
var rank = map[Reason]int{OtherDigest: 5, IdentityMismatch: 4, BadSignature: 3, UnknownKey: 2, Malformed: 1}

// Layout is where a signature was found.
type Layout string

const (
	// LayoutTag is cosign's classic layout: the sha256-<hex>.sig tag.
	LayoutTag Layout = "sig-tag"
	// LayoutBundle is a sigstore bundle attached as an OCI referrer.
	LayoutBundle Layout = "bundle"
)

// Signer is the identity in a keyless signature's certificate.
type Signer struct {
	Issuer  string `json:"issuer"`
	Subject string `json:"subject"`
}

// Signature is the verdict on one signature found for the digest.
type Signature struct {
	Layout Layout `json:"layout"`
	// Source is where it was read: the .sig tag and layer, or the referrer's digest.
	Source   string `json:"source"`
	Verified bool   `json:"verified"`
	// Key is the Name of the key it verified with.
	Key string `json:"key,omitempty"`
	// Signer is the certificate's identity (keyless), verified or not.
	Signer *Signer `json:"signer,omitempty"`
	// Identity is the given identity the signer matched.
	Identity string `json:"identity,omitempty"`
	Reason   Reason `json:"reason,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

// Result is the verdict on an image digest.
type Result struct {
	// Image is the reference as given; Digest the digest it resolved to.
	Image  string      `json:"image"`
	Digest name.Digest `json:"digest"`
	// Verified is true when at least one signature verified.
	Verified   bool        `json:"verified"`
	Signatures []Signature `json:"signatures"`
	// Reason and Detail say why the image is refused, when it is.
	Reason Reason `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Options say what signatures are checked against, and how the registry is
// reached. At least one of Keys and Keyless must be given.
type Options struct {
	Keys    []Key
	Keyless *Keyless
	// Remote are the registry options (authentication, transport); Verify
	// adds its context.
	Remote []remote.Option
	// Resolve turns a reference into a digest; nil is ResolveDigest.
	Resolve func(ctx context.Context, ref name.Reference, opts ...remote.Option) (name.Digest, error)
}

// Verify resolves image to a digest and checks the cosign signatures of
// that digest. An error means the verdict could not be reached (a bad
// reference, bad options, an unreachable registry): that is never a pass.
// A refused image is a Result with Verified false and a Reason.
func Verify(ctx context.Context, image string, o Options) (*Result, error) {
	ids, err := o.validate()
	if err != nil {
		return nil, err
	}
	ref, err := name.ParseReference(image)
	if err != nil {
		return nil, fmt.Errorf("image %q: %w", image, err)
	}
	ropts := append([]remote.Option{remote.WithContext(ctx)}, o.Remote...)
	resolve := o.Resolve
	if resolve == nil {
		resolve = ResolveDigest
	}
	d, err := resolve(ctx, ref, ropts...)
	if err != nil {
		return nil, err
	}
	v := &verifier{o: o, ids: ids, digest: d}
	res := &Result{Image: image, Digest: d, Signatures: []Signature{}}

	tagged, err := v.classic(ropts)
	if err != nil {
		return nil, err
	}
	bundled, err := v.bundles(ropts)
	if err != nil {
		return nil, err
	}
	res.Signatures = append(append(res.Signatures, tagged...), bundled...)
	best := -1
	for i, s := range res.Signatures {
		if s.Verified {
			res.Verified = true
		} else if best < 0 || rank[s.Reason] > rank[res.Signatures[best].Reason] {
			best = i
		}
	}
	switch {
	case res.Verified:
	case len(res.Signatures) == 0:
		res.Reason = NoSignature
		res.Detail = fmt.Sprintf("%s has no cosign signature (no %s tag, no sigstore bundle referrer)", d, sigTag(d).TagStr())
	default:
		s := res.Signatures[best]
		res.Reason = s.Reason
		res.Detail = s.Detail
		if n := len(res.Signatures); n > 1 {
			res.Detail = fmt.Sprintf("%s (%d signatures, none verified)", s.Detail, n)
		}
	}
	return res, nil
}

// Validate says what is wrong with the options, before any registry is
// contacted.
func (o Options) Validate() error {
	_, err := o.validate()
	return err
}

func (o Options) validate() (identities, error) {
	if len(o.Keys) == 0 && o.Keyless == nil {
		return nil, errors.New("no key and no keyless identity to verify signatures with")
	}
	if o.Keyless == nil {
		return nil, nil
	}
	if o.Keyless.Root == nil {
		return nil, errors.New("keyless verification needs a trusted root")
	}
	return o.Keyless.identities()
}

// ResolveDigest resolves a reference to its digest with a HEAD request (a
// GET where the registry answers HEAD without a digest). A digest
// reference is checked to exist, so that a verdict is never about an image
// the registry does not hold.
func ResolveDigest(ctx context.Context, ref name.Reference, opts ...remote.Option) (name.Digest, error) {
	opts = append([]remote.Option{remote.WithContext(ctx)}, opts...)
	desc, err := remote.Head(ref, opts...)
	if err != nil || desc.Digest.Hex == "" {
		var g *remote.Descriptor
		if g, err = remote.Get(ref, opts...); err != nil {
			return name.Digest{}, fmt.Errorf("resolve %s: %w", ref, err)
		}
		desc = &g.Descriptor
	}
	if d, ok := ref.(name.Digest); ok && d.DigestStr() != desc.Digest.String() {
		return name.Digest{}, fmt.Errorf("resolve %s: the registry answers with %s", ref, desc.Digest)
	}
	return ref.Context().Digest(desc.Digest.String()), nil
}

// sigTag is cosign's classic signature tag of a digest.
func sigTag(d name.Digest) name.Tag {
	return d.Context().Tag(strings.Replace(d.DigestStr(), ":", "-", 1) + ".sig")
}

func notFound(err error) bool {
	var te *transport.Error
	return errors.As(err, &te) && te.StatusCode == http.StatusNotFound
}

var timeZero time.Time

type verifier struct {
	o      Options
	ids    identities
	digest name.Digest
}
