package sign

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"

	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// The annotations of cosign's classic layout.
const (
	annSignature   = "dev.cosignproject.cosign/signature"
	annCertificate = "dev.sigstore.cosign/certificate"
	simpleSigning  = "cosign container image signature"
)

// maxPayload bounds what is read of a payload or a bundle: cosign's are a
// few KiB.
const maxPayload = 1 << 20

// payload is cosign's simple-signing payload (the parts verified).
type payload struct {
	Critical struct {
		Image struct {
			Digest string `json:"docker-manifest-digest"`
		} `json:"image"`
		Type string `json:"type"`
	} `json:"critical"`
}

// classic reads and checks the signatures of the digest's .sig tag.
func (v *verifier) classic(ropts []remote.Option) ([]Signature, error) {
	tag := sigTag(v.digest)
	img, err := remote.Image(tag, ropts...)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read signatures %s: %w", tag, err)
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("read signatures %s: %w", tag, err)
	}
	var out []Signature
	for i, l := range m.Layers {
		s := Signature{Layout: LayoutTag, Source: fmt.Sprintf("%s layer %d", tag, i)}
		layer, err := img.LayerByDigest(l.Digest)
		if err != nil {
			return nil, fmt.Errorf("read signatures %s: %w", tag, err)
		}
		body, err := readLimited(layer.Compressed)
		if err != nil {
			// The registry served a blob that does not hash to its
			// descriptor's digest, or could not serve it.
			return nil, fmt.Errorf("read signature payload %s layer %d: %w", tag, i, err)
		}
		if sum := sha256.Sum256(body); l.Digest.Algorithm != "sha256" || fmt.Sprintf("%x", sum) != l.Digest.Hex {
			s.Reason, s.Detail = BadSignature, fmt.Sprintf("the payload does not match its digest %s in the signature manifest", l.Digest)
			out = append(out, s)
			continue
		}
		v.checkClassic(&s, l.Annotations, body)
		out = append(out, s)
	}
	return out, nil
}

func (v *verifier) checkClassic(s *Signature, ann map[string]string, body []byte) {
	b64, ok := ann[annSignature]
	if !ok {
		s.Reason, s.Detail = Malformed, "layer has no "+annSignature+" annotation"
		return
	}
	sig, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(sig) == 0 {
		s.Reason, s.Detail = BadSignature, annSignature+" is not a base64 signature"
		return
	}
	var cert *x509.Certificate
	if p := ann[annCertificate]; p != "" {
		block, _ := pem.Decode([]byte(p))
		if block == nil || block.Type != "CERTIFICATE" {
			s.Reason, s.Detail = Malformed, annCertificate+" is not a PEM certificate"
			return
		}
		if cert, err = x509.ParseCertificate(block.Bytes); err != nil {
			s.Reason, s.Detail = Malformed, fmt.Sprintf("%s: %v", annCertificate, err)
			return
		}
	}
	sum := sha256.Sum256(body)
	msg := bundle.NewMessageSignature(sum[:], "SHA2_256", sig)
	keyed := &classicEntity{content: &bundle.PublicKey{}, sig: msg}
	var certified verify.SignedEntity
	if cert != nil {
		certified = &classicEntity{content: bundle.NewCertificate(cert), sig: msg}
	}
	artifact := func() verify.ArtifactPolicyOption { return verify.WithArtifact(bytes.NewReader(body)) }
	if ok, _ := v.check(s, keyed, certified, cert, "", artifact); !ok {
		return
	}
	// The signature is genuine; now what it says.
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		s.Reason, s.Detail = Malformed, fmt.Sprintf("signed payload is not a cosign payload: %v", err)
		return
	}
	if p.Critical.Type != simpleSigning {
		s.Reason, s.Detail = Malformed, fmt.Sprintf("signed payload has critical.type %q, not %q", p.Critical.Type, simpleSigning)
		return
	}
	if p.Critical.Image.Digest != v.digest.DigestStr() {
		s.Reason = OtherDigest
		s.Detail = fmt.Sprintf("the signature signs %s, not %s (critical.image.docker-manifest-digest)", orNone(p.Critical.Image.Digest), v.digest.DigestStr())
		return
	}
	s.Verified = true
}

func orNone(s string) string {
	if s == "" {
		return "no digest"
	}
	return s
}

func readLimited(open func() (io.ReadCloser, error)) ([]byte, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxPayload+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPayload {
		return nil, fmt.Errorf("larger than %d bytes", maxPayload)
	}
	return b, nil
}

// classicEntity is a classic signature as sigstore-go verifies it: a
// message signature over the payload, with no transparency log entry and no
// timestamp, and either a public key (any: the trusted material decides
// which) or the signing certificate.
type classicEntity struct {
	verify.BaseSignedEntity
	content verify.VerificationContent
	sig     *bundle.MessageSignature
}

func (e *classicEntity) VerificationContent() (verify.VerificationContent, error) {
	return e.content, nil
}
func (e *classicEntity) SignatureContent() (verify.SignatureContent, error) { return e.sig, nil }
func (e *classicEntity) Version() (string, error)                           { return "v0.3", nil }
func (e *classicEntity) TlogEntries() ([]*tlog.Entry, error)                { return nil, nil }
func (e *classicEntity) Timestamps() ([][]byte, error)                      { return nil, nil }
