package attest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/sigstore/sigstore/pkg/signature/dsse"

	"github.com/kubestride/kubestride/internal/image/policy"
)

// The attestation layout's media and payload types and annotations, as
// cosign writes them.
const (
	// PayloadType is the DSSE payload type of an in-toto statement.
	PayloadType = "application/vnd.in-toto+json"
	// LayerMediaType is the media type of an attestation layer: a DSSE
	// envelope.
	LayerMediaType types.MediaType = "application/vnd.dsse.envelope.v1+json"
	// AnnotationPredicateType names a layer's predicate type.
	AnnotationPredicateType = "predicateType"
	// annSignature is cosign's signature annotation, empty on an
	// attestation (the signature is inside the envelope).
	annSignature = "dev.cosignproject.cosign/signature"
)

// Sign signs the statement as a DSSE envelope (its JSON).
func (s *Signer) Sign(ctx context.Context, st policy.Statement) ([]byte, error) {
	if s == nil {
		return nil, errNoSigner
	}
	payload, err := st.JSON()
	if err != nil {
		return nil, fmt.Errorf("sign the attestation: %w", err)
	}
	env, err := dsse.WrapSigner(s.sv, PayloadType).SignMessage(bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("sign the attestation with %s: %w", s.Name, err)
	}
	return env, nil
}

// Tag is cosign's attestation tag of a digest: sha256-<hex>.att.
func Tag(d name.Digest) name.Tag {
	return d.Context().Tag(strings.Replace(d.DigestStr(), ":", "-", 1) + ".att")
}

// Attach writes the DSSE envelope of a statement of predicateType to the
// attestation tag of at, replacing the attestations of that predicate type
// there and keeping the others. It returns the attestation manifest's
// reference.
func Attach(ctx context.Context, at name.Digest, envelope []byte, predicateType string, ropts ...remote.Option) (name.Digest, error) {
	ropts = append([]remote.Option{remote.WithContext(ctx)}, ropts...)
	tag := Tag(at)
	base, err := kept(tag, predicateType, ropts)
	if err != nil {
		return name.Digest{}, err
	}
	layer := static.NewLayer(envelope, LayerMediaType)
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:       layer,
		MediaType:   LayerMediaType,
		Annotations: map[string]string{annSignature: "", AnnotationPredicateType: predicateType},
	})
	if err != nil {
		return name.Digest{}, fmt.Errorf("attach the attestation to %s: %w", at, err)
	}
	if err := remote.Write(tag, img, ropts...); err != nil {
		return name.Digest{}, fmt.Errorf("attach the attestation to %s: write %s: %w", at, tag, err)
	}
	d, err := img.Digest()
	if err != nil {
		return name.Digest{}, fmt.Errorf("attach the attestation to %s: %w", at, err)
	}
	return at.Context().Digest(d.String()), nil
}

// kept is the attestation image at tag without its layers of
// predicateType, or an empty one when there is none.
func kept(tag name.Tag, predicateType string, ropts []remote.Option) (v1.Image, error) {
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	old, err := remote.Image(tag, ropts...)
	if notFound(err) {
		return base, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read attestations %s: %w", tag, err)
	}
	m, err := old.Manifest()
	if err != nil {
		return nil, fmt.Errorf("read attestations %s: %w", tag, err)
	}
	for _, l := range m.Layers {
		if l.Annotations[AnnotationPredicateType] == predicateType {
			continue
		}
		layer, err := old.LayerByDigest(l.Digest)
		if err != nil {
			return nil, fmt.Errorf("read attestations %s: %w", tag, err)
		}
		if base, err = mutate.Append(base, mutate.Addendum{Layer: layer, MediaType: l.MediaType, Annotations: l.Annotations}); err != nil {
			return nil, fmt.Errorf("read attestations %s: %w", tag, err)
		}
	}
	return base, nil
}

func notFound(err error) bool {
	var te *transport.Error
	return errors.As(err, &te) && te.StatusCode == http.StatusNotFound
}
