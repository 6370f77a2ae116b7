package sign

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/kubestride/kubestride/internal/image/imagetest"
)

func testKey(t *testing.T) Key {
	t.Helper()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	k, err := ParseKey("test.pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestNoVerdict: what keeps a verdict from being reached is an error,
// never a refusal that reads like a checked image, and never a pass.
func TestNoVerdict(t *testing.T) {
	r := imagetest.Start(t)
	ref := r.Ref("team/app", ":v1")
	imagetest.Push(t, ref, imagetest.Image(t, imagetest.ImageOptions{}))
	key := testKey(t)
	for _, c := range []struct {
		name  string
		image string
		o     Options
		err   string
	}{
		{"no key", ref, Options{}, "no key and no keyless identity"},
		{"keyless without root", ref, Options{Keyless: &Keyless{Identities: []Identity{{Issuer: "i", Subject: "s"}}}}, "needs a trusted root"},
		{"bad reference", "Not A Reference!", Options{Keys: []Key{key}}, `image "Not A Reference!"`},
		{"unknown tag", r.Ref("team/app", ":missing"), Options{Keys: []Key{key}}, "resolve " + r.Ref("team/app", ":missing")},
		{"unknown digest", r.Ref("team/app", "@sha256:"+strings.Repeat("0", 64)), Options{Keys: []Key{key}}, "resolve " + r.Ref("team/app", "@sha256:"+strings.Repeat("0", 64))},
		{"unreachable registry", "127.0.0.1:1/team/app:v1", Options{Keys: []Key{key}}, "resolve 127.0.0.1:1/team/app:v1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := Verify(context.Background(), c.image, c.o)
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("err = %v, want %q (result %+v)", err, c.err, res)
			}
		})
	}
}

func TestKeylessIdentities(t *testing.T) {
	for _, c := range []struct {
		name string
		ids  []Identity
		err  string
	}{
		{"none", nil, "needs an identity"},
		{"no issuer", []Identity{{Subject: "a@b"}}, "give the issuer or an issuer regexp"},
		{"both subjects", []Identity{{Issuer: "i", Subject: "a@b", SubjectRegexp: ".*"}}, "give the subject or a subject regexp"},
		{"bad regexp", []Identity{{Issuer: "i", SubjectRegexp: "("}}, "identity issuer i, subject ~("},
		{"ok", []Identity{{Issuer: "i", Subject: "a@b"}, {IssuerRegexp: "^https://", SubjectRegexp: "@example\\.com$"}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := (&Keyless{Identities: c.ids}).identities()
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("err = %v, want %q", err, c.err)
			}
		})
	}
}

// TestUnsigned: an image with no signature, only a referrer of another
// kind (an SBOM, say), has no signature.
func TestUnsigned(t *testing.T) {
	r := imagetest.Start(t)
	ref := r.Ref("team/app", ":v1")
	img := imagetest.Image(t, imagetest.ImageOptions{})
	d := imagetest.Push(t, ref, img)
	m, _ := img.Manifest()
	size, _ := img.Size()
	sbom := mutate.Subject(imagetest.Image(t, imagetest.ImageOptions{}), v1.Descriptor{MediaType: m.MediaType, Digest: d, Size: size}).(v1.Image)
	sd, _ := sbom.Digest()
	imagetest.Push(t, r.Ref("team/app", "@"+sd.String()), sbom)
	if idx, err := remote.Referrers(mustDigest(t, r.Ref("team/app", "@"+d.String()))); err != nil {
		t.Fatal(err)
	} else if im, _ := idx.IndexManifest(); len(im.Manifests) != 1 {
		t.Fatalf("the referrer was not attached: %+v", im)
	}
	res, err := Verify(context.Background(), ref, Options{Keys: []Key{testKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verified || res.Reason != NoSignature || len(res.Signatures) != 0 || res.Digest.DigestStr() != d.String() {
		t.Fatalf("%+v", res)
	}
}
