package sign

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/verify"
)

const (
	bundleArtifactPrefix = "application/vnd.dev.sigstore.bundle"
	annPredicateType     = "dev.sigstore.bundle.predicateType"
	emptyArtifact        = "application/vnd.oci.empty.v1+json"
	// cosignSignPredicate is the predicate type of the statement `cosign
	// sign --new-bundle-format` signs; other bundles attached to an image
	// are attestations (SBOMs, provenance, gate decisions), not signatures.
	cosignSignPredicate = "https://sigstore.dev/cosign/sign/v1"
)

// bundles reads and checks the sigstore bundles attached to the digest as
// OCI referrers.
func (v *verifier) bundles(ropts []remote.Option) ([]Signature, error) {
	idx, err := remote.Referrers(v.digest, ropts...)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read referrers of %s: %w", v.digest, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("read referrers of %s: %w", v.digest, err)
	}
	var out []Signature
	for _, d := range im.Manifests {
		// The referrers index gives a manifest's artifactType, or its
		// config's media type when it has none: registries differ, and
		// cosign's bundle manifests have an empty config. Which referrer
		// is a bundle is settled by its layer's media type.
		if at := d.ArtifactType; at != "" && !strings.HasPrefix(at, bundleArtifactPrefix) && at != emptyArtifact {
			continue
		}
		if pt, ok := d.Annotations[annPredicateType]; ok && pt != cosignSignPredicate {
			continue
		}
		ref := v.digest.Context().Digest(d.Digest.String())
		s := Signature{Layout: LayoutBundle, Source: ref.String()}
		body, err := v.bundleBody(ref.String(), ropts)
		if err != nil {
			return nil, err
		}
		if body == nil {
			continue // another kind of artifact
		}
		var b bundle.Bundle
		if err := b.UnmarshalJSON(body); err != nil {
			s.Reason, s.Detail = Malformed, fmt.Sprintf("sigstore bundle: %v", err)
			out = append(out, s)
			continue
		}
		if skip := v.checkBundle(&s, &b); !skip {
			out = append(out, s)
		}
	}
	return out, nil
}

// bundleBody fetches the bundle layer of a referrer manifest, nil when it
// has none.
func (v *verifier) bundleBody(ref string, ropts []remote.Option) ([]byte, error) {
	r := v.digest.Context().Digest(ref[strings.LastIndex(ref, "@")+1:])
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", ref, err)
	}
	var m v1.Manifest
	if err := json.Unmarshal(desc.Manifest, &m); err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", ref, err)
	}
	for _, l := range m.Layers {
		if !strings.HasPrefix(string(l.MediaType), bundleArtifactPrefix) {
			continue
		}
		layer, err := remote.Layer(v.digest.Context().Digest(l.Digest.String()), ropts...)
		if err != nil {
			return nil, fmt.Errorf("read bundle %s: %w", ref, err)
		}
		body, err := readLimited(layer.Compressed)
		if err != nil {
			return nil, fmt.Errorf("read bundle %s: %w", ref, err)
		}
		return body, nil
	}
	return nil, nil
}

// checkBundle checks one bundle; skip is true when it turns out to be no
// cosign signature (a statement of another predicate type).
func (v *verifier) checkBundle(s *Signature, b *bundle.Bundle) (skip bool) {
	vc, err := b.VerificationContent()
	if err != nil {
		s.Reason, s.Detail = Malformed, fmt.Sprintf("sigstore bundle: %v", err)
		return false
	}
	sc, err := b.SignatureContent()
	if err != nil {
		s.Reason, s.Detail = Malformed, fmt.Sprintf("sigstore bundle: %v", err)
		return false
	}
	env := sc.EnvelopeContent()
	if env == nil {
		// A message signature over a blob: what `cosign sign-blob` makes,
		// not an image signature.
		s.Reason, s.Detail = Malformed, "sigstore bundle holds a message signature, not a DSSE statement about the image"
		return false
	}
	// Unverified, only to skip attestations of other predicate types.
	if st, err := env.Statement(); err == nil && st.GetPredicateType() != cosignSignPredicate {
		return true
	}
	var keyed, certified *bundle.Bundle
	hint := ""
	if pk := vc.PublicKey(); pk != nil {
		keyed, hint = b, pk.Hint()
	}
	cert := vc.Certificate()
	if cert != nil {
		certified = b
	}
	ok, res := v.check(s, entityOrNil(keyed), entityOrNil(certified), cert, hint, verify.WithoutArtifactUnsafe)
	if !ok {
		return false
	}
	if res == nil || res.Statement == nil {
		s.Reason, s.Detail = Malformed, "sigstore bundle: no in-toto statement"
		return false
	}
	want := v.digest.DigestStr()
	var signed []string
	for _, sub := range res.Statement.GetSubject() {
		for alg, h := range sub.GetDigest() {
			got := alg + ":" + strings.ToLower(h)
			if got == want {
				if _, err := hex.DecodeString(h); err == nil {
					s.Verified = true
					return false
				}
			}
			signed = append(signed, got)
		}
	}
	s.Reason = OtherDigest
	s.Detail = fmt.Sprintf("the statement's subject is %s, not %s", orNone(strings.Join(signed, ", ")), want)
	return false
}

// entityOrNil keeps a nil *bundle.Bundle a nil interface.
func entityOrNil(b *bundle.Bundle) verify.SignedEntity {
	if b == nil {
		return nil
	}
	return b
}
