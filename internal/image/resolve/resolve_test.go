package resolve

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/imagetest"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/sign/cosigntest"
)

// writePolicy writes an image policy requiring signatures by pub on the
// repositories of host.
func writePolicy(t *testing.T, host, pub string) *policy.Policy {
	t.Helper()
	dir := t.TempDir()
	text := `apiVersion: kubestride.io/v1alpha1
kind: ImagePolicy
repositories: ["` + host + `/**"]
baseImages:
  allow: [{name: registry.example.com/base/*}]
`
	if pub != "" {
		text += `signatures:
  - repositories: ["` + host + `/signed/**"]
    keys: [{file: ` + pub + `}]
`
	}
	path := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := policy.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestResolveSignedAndUnsigned resolves tags on a real registry, reads
// their base image and verifies signatures the real cosign CLI made.
func TestResolveSignedAndUnsigned(t *testing.T) {
	reg := imagetest.Start(t)
	cosign := cosigntest.New(t)
	priv, pub := cosign.KeyPair()
	p := writePolicy(t, reg.Host, pub)
	base := map[string]string{image.AnnotationBaseName: "registry.example.com/base/distroless:12"}
	signedRef := reg.Ref("signed/app", ":1")
	d := imagetest.Push(t, signedRef, imagetest.Image(t, imagetest.ImageOptions{Annotations: base}))
	cosign.Sign(priv, reg.Ref("signed/app", "@"+d.String()))
	unsignedRef := reg.Ref("signed/other", ":1")
	imagetest.Push(t, unsignedRef, imagetest.Image(t, imagetest.ImageOptions{Annotations: base}))
	plainRef := reg.Ref("plain/tool", ":2")
	imagetest.Push(t, plainRef, imagetest.Image(t, imagetest.ImageOptions{History: []string{"ADD rootfs.tar /"}}))

	s, err := New(Options{Policy: p, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	im := &check.Images{Policy: p, Resolved: true}
	if fails := s.Resolve(context.Background(), []string{signedRef, unsignedRef, plainRef}, im); len(fails) > 0 {
		t.Fatalf("failures: %v", fails)
	}
	keyID := p.Signatures[0].Keys[0].ID
	for _, tc := range []struct {
		ref      string
		verified bool
		base     string
		history  int
	}{
		{signedRef, true, "registry.example.com/base/distroless:12", 0},
		{unsignedRef, false, "registry.example.com/base/distroless:12", 0},
		{plainRef, false, "", 1},
	} {
		r, ok := im.Get(tc.ref)
		if !ok || r.Err != nil {
			t.Fatalf("%s: not resolved: %v", tc.ref, r.Err)
		}
		if !strings.HasPrefix(r.Image.Digest, "sha256:") || r.Image.Reference != tc.ref {
			t.Errorf("%s: image %+v", tc.ref, r.Image)
		}
		if r.Image.Base.Name != tc.base || len(r.Image.Base.History) != tc.history {
			t.Errorf("%s: base %+v, want name %q and %d history lines", tc.ref, r.Image.Base, tc.base, tc.history)
		}
		verified := false
		for _, sr := range r.Signatures.Results {
			if sr.Verified && sr.Key == keyID {
				verified = true
			}
		}
		if !r.Signatures.Checked || verified != tc.verified {
			t.Errorf("%s: signatures %+v, want verified %v by %s", tc.ref, r.Signatures, tc.verified, keyID)
		}
	}
	if r, _ := im.Get(signedRef); r.Image.Digest != d.String() {
		t.Errorf("signed image resolved to %s, pushed %s", r.Image.Digest, d)
	}
	// The policy judges them as the check does.
	dec := p.Evaluate(mustGet(t, im, unsignedRef).Image, mustGet(t, im, unsignedRef).Signatures, nil, time.Now())
	if len(dec.Reasons) != 1 || dec.Reasons[0].Rule != "signature" || !strings.Contains(dec.Reasons[0].Message, "no signature found") {
		t.Errorf("unsigned image: reasons %+v", dec.Reasons)
	}
}

func mustGet(t *testing.T, im *check.Images, ref string) check.ResolvedImage {
	t.Helper()
	r, ok := im.Get(ref)
	if !ok {
		t.Fatalf("%s not recorded", ref)
	}
	return r
}

// TestResolveFailures: a closed registry and a tag it does not hold are
// failures naming the image and the registry, recorded with their error.
func TestResolveFailures(t *testing.T) {
	reg := imagetest.Start(t)
	p := writePolicy(t, reg.Host, "")
	imagetest.Push(t, reg.Ref("plain/app", ":1"), imagetest.Image(t, imagetest.ImageOptions{}))
	missing := reg.Ref("plain/app", ":9")
	closed := imagetest.Start(t)
	closedRef := closed.Ref("plain/app", ":1")
	closed.Close()

	s, err := New(Options{Policy: p, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	im := &check.Images{Policy: p, Resolved: true}
	fails := s.Resolve(context.Background(), []string{reg.Ref("plain/app", ":1"), missing, closedRef}, im)
	if len(fails) != 2 {
		t.Fatalf("failures %v, want the missing tag and the closed registry", fails)
	}
	for _, f := range fails {
		r, ok := im.Get(f.Image)
		if !ok || r.Err == nil {
			t.Errorf("%s: failure not recorded", f.Image)
		}
	}
	if f := fails[0]; f.Image != missing || !errors.Is(f.Err, image.ErrNotFound) || !strings.Contains(f.Err.Error(), `no tag "9"`) {
		t.Errorf("missing tag: %v", f.Err)
	}
	if f := fails[1]; f.Image != closedRef || !errors.Is(f.Err, image.ErrUnreachable) || !strings.Contains(f.Err.Error(), "registry "+closed.Host) {
		t.Errorf("closed registry: %v", f.Err)
	}
}
