package attest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/sigstore/pkg/signature/dsse"

	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/sign"
)

// Reason says why an attestation, or an image, is refused.
type Reason string

// The reasons.
const (
	// NoAttestation: the digest has no attestation of kubestride's gate
	// decision.
	NoAttestation Reason = "no attestation"
	// BadSignature: the envelope verifies with none of the given keys: it
	// was signed with another key, or altered after it was signed.
	BadSignature Reason = "bad signature"
	// OtherDigest: a genuine attestation, of another digest.
	OtherDigest Reason = "attestation for another digest"
	// Malformed: not a DSSE envelope of an in-toto statement of the gate
	// decision.
	Malformed Reason = "malformed attestation"
)

// rank orders the reasons of an image none of whose attestations verified.
var rank = map[Reason]int{OtherDigest: 3, BadSignature: 2, Malformed: 1}

// Attestation is the verdict on one attestation found for the digest.
type Attestation struct {
	// Source is where it was read: the .att tag and layer.
	Source   string `json:"source"`
	Verified bool   `json:"verified"`
	// Key is the Name of the key it verified with.
	Key    string `json:"key,omitempty"`
	Reason Reason `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Statement is the signed statement, once its signature verified.
	Statement *policy.Statement `json:"statement,omitempty"`
}

// Result is the verdict on an image digest's gate attestations.
type Result struct {
	// Image is the reference as given; Digest the digest it resolved to.
	Image  string      `json:"image"`
	Digest name.Digest `json:"digest"`
	// Verified is true when an attestation verified; Statement is then the
	// latest of those that did (by the decision's time).
	Verified     bool              `json:"verified"`
	Statement    *policy.Statement `json:"statement,omitempty"`
	Attestations []Attestation     `json:"attestations"`
	// Reason and Detail say why the image is refused, when it is.
	Reason Reason `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// maxEnvelope bounds what is read of an attestation layer.
const maxEnvelope = 4 << 20

// Verify resolves image to a digest and checks the gate attestations on
// that digest against keys. An error means no verdict could be reached
// (a bad reference, no key, an unreachable registry); a refused image is a
// Result with Verified false and a Reason.
func Verify(ctx context.Context, image string, keys []sign.Key, ropts ...remote.Option) (*Result, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("no key to verify attestations with")
	}
	ref, err := name.ParseReference(image)
	if err != nil {
		return nil, fmt.Errorf("image %q: %w", image, err)
	}
	ropts = append([]remote.Option{remote.WithContext(ctx)}, ropts...)
	d, err := sign.ResolveDigest(ctx, ref, ropts...)
	if err != nil {
		return nil, err
	}
	res := &Result{Image: image, Digest: d, Attestations: []Attestation{}}
	tag := Tag(d)
	img, err := remote.Image(tag, ropts...)
	switch {
	case notFound(err):
	case err != nil:
		return nil, fmt.Errorf("read attestations %s: %w", tag, err)
	default:
		m, err := img.Manifest()
		if err != nil {
			return nil, fmt.Errorf("read attestations %s: %w", tag, err)
		}
		for i, l := range m.Layers {
			if pt, ok := l.Annotations[AnnotationPredicateType]; ok && pt != policy.PredicateType {
				continue // an SBOM, provenance: another predicate
			}
			a := Attestation{Source: fmt.Sprintf("%s layer %d", tag, i)}
			layer, err := img.LayerByDigest(l.Digest)
			if err != nil {
				return nil, fmt.Errorf("read attestations %s: %w", tag, err)
			}
			rc, err := layer.Compressed()
			if err != nil {
				return nil, fmt.Errorf("read attestation %s: %w", a.Source, err)
			}
			body, err := io.ReadAll(io.LimitReader(rc, maxEnvelope+1))
			rc.Close()
			if err != nil {
				return nil, fmt.Errorf("read attestation %s: %w", a.Source, err)
			}
			if sum := sha256.Sum256(body); l.Digest.Algorithm != "sha256" || hex.EncodeToString(sum[:]) != l.Digest.Hex {
				a.Reason, a.Detail = BadSignature, fmt.Sprintf("the envelope does not match its digest %s in the attestation manifest", l.Digest)
			} else {
				check(&a, body, keys, d)
			}
			res.Attestations = append(res.Attestations, a)
		}
	}
	best := -1
	for i, a := range res.Attestations {
		switch {
		case a.Verified:
			if res.Statement == nil || a.Statement.Predicate.Time > res.Statement.Predicate.Time {
				res.Statement = a.Statement
			}
			res.Verified = true
		case best < 0 || rank[a.Reason] > rank[res.Attestations[best].Reason]:
			best = i
		}
	}
	switch {
	case res.Verified:
	case len(res.Attestations) == 0:
		res.Reason = NoAttestation
		res.Detail = fmt.Sprintf("%s has no attestation of predicate type %s (no %s tag, or none of that type on it)", d, policy.PredicateType, tag.TagStr())
	default:
		a := res.Attestations[best]
		res.Reason, res.Detail = a.Reason, a.Detail
		if n := len(res.Attestations); n > 1 {
			res.Detail = fmt.Sprintf("%s (%d attestations, none verified)", a.Detail, n)
		}
	}
	return res, nil
}

// check verifies one envelope: its signature, then what it says.
func check(a *Attestation, body []byte, keys []sign.Key, d name.Digest) {
	if len(body) > maxEnvelope {
		a.Reason, a.Detail = Malformed, fmt.Sprintf("larger than %d bytes", maxEnvelope)
		return
	}
	var env struct {
		PayloadType string            `json:"payloadType"`
		Payload     string            `json:"payload"`
		Signatures  []json.RawMessage `json:"signatures"`
	}
	if err := json.Unmarshal(body, &env); err != nil || len(env.Signatures) == 0 {
		a.Reason, a.Detail = Malformed, "not a signed DSSE envelope"
		if err != nil {
			a.Detail += ": " + err.Error()
		}
		return
	}
	if env.PayloadType != PayloadType {
		a.Reason, a.Detail = Malformed, fmt.Sprintf("the envelope's payloadType is %q, not %q", env.PayloadType, PayloadType)
		return
	}
	for _, k := range keys {
		for _, v := range k.Verifiers() {
			if dsse.WrapVerifier(v).VerifySignature(bytes.NewReader(body), nil) == nil {
				a.Key = k.Name
			}
		}
		if a.Key != "" {
			break
		}
	}
	if a.Key == "" {
		a.Reason = BadSignature
		a.Detail = fmt.Sprintf("the envelope verifies with none of the given keys (%s): it was signed with another key, or altered", keyNames(keys))
		return
	}
	// The signature is genuine; now what it says.
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		a.Reason, a.Detail = Malformed, fmt.Sprintf("the envelope's payload is not base64: %v", err)
		return
	}
	var st policy.Statement
	if err := json.Unmarshal(payload, &st); err != nil {
		a.Reason, a.Detail = Malformed, fmt.Sprintf("the signed payload is not an in-toto statement of the gate decision: %v", err)
		return
	}
	if st.Type != policy.StatementType || st.PredicateType != policy.PredicateType {
		a.Reason, a.Detail = Malformed, fmt.Sprintf("the signed statement is of type %q and predicate type %q, not %s and %s", st.Type, st.PredicateType, policy.StatementType, policy.PredicateType)
		return
	}
	want := strings.TrimPrefix(d.DigestStr(), "sha256:")
	var signed []string
	for _, s := range st.Subject {
		if strings.EqualFold(s.Digest.SHA256, want) {
			a.Verified, a.Statement = true, &st
			return
		}
		signed = append(signed, "sha256:"+s.Digest.SHA256)
	}
	if len(signed) == 0 {
		signed = []string{"no digest"}
	}
	a.Reason = OtherDigest
	a.Detail = fmt.Sprintf("the statement's subject is %s, not %s", strings.Join(signed, ", "), d.DigestStr())
}

func keyNames(keys []sign.Key) string {
	var n []string
	for _, k := range keys {
		n = append(n, k.Name)
	}
	return strings.Join(n, ", ")
}
