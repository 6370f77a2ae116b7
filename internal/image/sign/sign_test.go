package sign

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/kubestride/kubestride/internal/image/imagetest"
	"github.com/kubestride/kubestride/internal/image/sign/cosigntest"
)

// fixture is a registry with images signed by the real cosign CLI.
type fixture struct {
	t      *testing.T
	reg    *imagetest.Registry
	cosign *cosigntest.Cosign
	// key signs; other is a key pair that signed nothing here.
	key, pub, otherPub string
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{t: t, cosign: cosigntest.New(t), reg: imagetest.Start(t)}
	f.key, f.pub = f.cosign.KeyPair()
	_, f.otherPub = f.cosign.KeyPair()
	return f
}

// push pushes a new image under repo:tag and returns ref@digest.
func (f *fixture) push(repo string) string {
	f.t.Helper()
	ref := f.reg.Ref(repo, ":v1")
	d := imagetest.Push(f.t, ref, imagetest.Image(f.t, imagetest.ImageOptions{}))
	return f.reg.Ref(repo, "@"+d.String())
}

func (f *fixture) sign(ref string, extra ...string) {
	f.t.Helper()
	f.cosign.Sign(f.key, ref, extra...)
}

func (f *fixture) verify(image string, keys ...string) *Result {
	f.t.Helper()
	var o Options
	for _, k := range keys {
		key, err := LoadKey(k)
		if err != nil {
			f.t.Fatal(err)
		}
		o.Keys = append(o.Keys, key)
	}
	res, err := Verify(context.Background(), image, o)
	if err != nil {
		f.t.Fatalf("verify %s: %v", image, err)
	}
	return res
}

// agree holds the verdict to cosign's own: `cosign verify` of the same
// image with the same key must pass exactly when ours does.
func (f *fixture) agree(image string, res *Result, extra ...string) {
	f.t.Helper()
	args := append([]string{"verify", "--insecure-ignore-tlog=true"}, extra...)
	if extra[0] == "--new-bundle-format" && !strings.Contains(strings.Join(extra, " "), "--trusted-root") {
		// cosign reads bundles only with a trusted root, even to verify
		// with a key: one with no authority in it, offline.
		empty := filepath.Join(f.t.TempDir(), "trusted_root.json")
		if err := os.WriteFile(empty, []byte(`{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`), 0o600); err != nil {
			f.t.Fatal(err)
		}
		args = append(args, "--trusted-root", empty)
	}
	out, err := f.cosign.Run(f.t.TempDir(), append(args, image)...)
	if (err == nil) != res.Verified {
		f.t.Errorf("cosign verify %s: %v (exit ok %v), kubestride verified=%v (%s: %s)\n%s", image, args, err == nil, res.Verified, res.Reason, res.Detail, out)
	}
}

func wantRefused(t *testing.T, res *Result, reason Reason, detail string) {
	t.Helper()
	if res.Verified || res.Reason != reason || !strings.Contains(res.Detail, detail) {
		t.Errorf("verified=%v reason=%q detail=%q; want refused for %q with %q\nsignatures: %+v", res.Verified, res.Reason, res.Detail, reason, detail, res.Signatures)
	}
}

func TestClassicSignatures(t *testing.T) {
	f := newFixture(t)
	signed := f.push("team/app")
	f.sign(signed)
	tag := f.reg.Ref("team/app", ":v1")

	t.Run("verified with the signing key, through the tag", func(t *testing.T) {
		res := f.verify(tag, f.otherPub, f.pub)
		if !res.Verified || len(res.Signatures) != 1 || res.Signatures[0].Key != f.pub || res.Signatures[0].Layout != LayoutTag {
			t.Fatalf("want one verified sig-tag signature under %s: %+v", f.pub, res)
		}
		if res.Digest.String() != signed {
			t.Errorf("tag resolved to %s, pushed %s", res.Digest, signed)
		}
		f.agree(tag, res, "--key", f.pub)
	})

	t.Run("another key is an unknown key", func(t *testing.T) {
		res := f.verify(signed, f.otherPub)
		wantRefused(t, res, UnknownKey, "verifies with none of the given keys ("+f.otherPub+")")
		f.agree(signed, res, "--key", f.otherPub)
	})

	t.Run("an unsigned image has no signature", func(t *testing.T) {
		unsigned := f.push("team/unsigned")
		res := f.verify(unsigned, f.pub)
		wantRefused(t, res, NoSignature, "has no cosign signature")
		f.agree(unsigned, res, "--key", f.pub)
	})

	t.Run("a signature copied onto another digest signs the other digest", func(t *testing.T) {
		victim := f.push("team/app2")
		src := sigTag(mustDigest(t, signed))
		dst := sigTag(mustDigest(t, victim))
		desc, err := remote.Get(src)
		if err != nil {
			t.Fatal(err)
		}
		// Same repository or not, the .sig image is the same bytes.
		if err := remote.Tag(dst.Context().Tag(dst.TagStr()), desc); err != nil {
			t.Fatal(err)
		}
		res := f.verify(victim, f.pub)
		wantRefused(t, res, OtherDigest, "signs "+mustDigest(t, signed).DigestStr()+", not "+mustDigest(t, victim).DigestStr())
		if res.Signatures[0].Key != f.pub {
			t.Errorf("the copied signature is genuine and should name its key: %+v", res.Signatures[0])
		}
		f.agree(victim, res, "--key", f.pub)
	})

	t.Run("a tampered payload is refused", func(t *testing.T) {
		img := f.push("team/tampered")
		f.sign(img)
		rewriteSig(t, img, func(payload []byte, sig string) ([]byte, string) {
			// Keep the digest it claims; change what else it says.
			var p map[string]any
			if err := json.Unmarshal(payload, &p); err != nil {
				t.Fatal(err)
			}
			p["optional"] = map[string]any{"approved": "yes"}
			b, _ := json.Marshal(p)
			return b, sig
		})
		res := f.verify(img, f.pub)
		wantRefused(t, res, UnknownKey, "the payload or the signature was altered")
		f.agree(img, res, "--key", f.pub)
	})

	t.Run("a tampered signature is refused", func(t *testing.T) {
		img := f.push("team/badsig")
		f.sign(img)
		rewriteSig(t, img, func(payload []byte, sig string) ([]byte, string) {
			raw, _ := base64.StdEncoding.DecodeString(sig)
			raw[len(raw)-3] ^= 0x5a
			return payload, base64.StdEncoding.EncodeToString(raw)
		})
		res := f.verify(img, f.pub)
		wantRefused(t, res, UnknownKey, "the payload or the signature was altered")
		f.agree(img, res, "--key", f.pub)
	})

	t.Run("a signature that is no base64 is a bad signature", func(t *testing.T) {
		img := f.push("team/garbled")
		f.sign(img)
		rewriteSig(t, img, func(payload []byte, _ string) ([]byte, string) { return payload, "not base64!" })
		res := f.verify(img, f.pub)
		wantRefused(t, res, BadSignature, "is not a base64 signature")
	})

	t.Run("two signatures, one by a known key, verify", func(t *testing.T) {
		img := f.push("team/twice")
		f.sign(img)
		otherKey, otherPub := f.cosign.KeyPair()
		f.cosign.Must(t.TempDir(), "sign", "--key", otherKey, "--tlog-upload=false", "-y", img)
		res := f.verify(img, otherPub)
		if !res.Verified || len(res.Signatures) != 2 {
			t.Fatalf("want 2 signatures, one verified: %+v", res)
		}
		n := 0
		for _, s := range res.Signatures {
			if s.Verified {
				n++
				if s.Key != otherPub {
					t.Errorf("verified under %s, want %s", s.Key, otherPub)
				}
			} else if s.Reason != UnknownKey {
				t.Errorf("the other signature: %+v", s)
			}
		}
		if n != 1 {
			t.Errorf("%d verified, want 1", n)
		}
	})
}

func TestBundleSignatures(t *testing.T) {
	f := newFixture(t)
	img := f.push("team/bundled")
	f.sign(img, "--new-bundle-format")

	t.Run("verified with the signing key", func(t *testing.T) {
		res := f.verify(img, f.pub)
		if !res.Verified || len(res.Signatures) != 1 || res.Signatures[0].Layout != LayoutBundle || res.Signatures[0].Key != f.pub {
			t.Fatalf("want one verified bundle signature under %s: %+v", f.pub, res)
		}
		f.agree(img, res, "--new-bundle-format", "--key", f.pub)
	})

	t.Run("another key is an unknown key, named by its hint", func(t *testing.T) {
		res := f.verify(img, f.otherPub)
		k, _ := LoadKey(f.pub)
		wantRefused(t, res, UnknownKey, "signed with key "+k.ID+", which is none of the given keys")
		f.agree(img, res, "--new-bundle-format", "--key", f.otherPub)
	})

	t.Run("a tampered statement is a bad signature", func(t *testing.T) {
		tampered := f.push("team/bundled-tampered")
		f.sign(tampered, "--new-bundle-format")
		rewriteBundle(t, tampered, tampered, func(b map[string]any) {
			env := b["dsseEnvelope"].(map[string]any)
			st, _ := base64.StdEncoding.DecodeString(env["payload"].(string))
			var m map[string]any
			if err := json.Unmarshal(st, &m); err != nil {
				t.Fatal(err)
			}
			m["predicate"] = map[string]any{"approved": "yes"}
			st, _ = json.Marshal(m)
			env["payload"] = base64.StdEncoding.EncodeToString(st)
		})
		res := f.verify(tampered, f.pub)
		// The original bundle is still attached and verifies: drop it
		// from the verdict by looking at the rewritten one.
		var found bool
		for _, s := range res.Signatures {
			if !s.Verified {
				found = true
				if s.Reason != BadSignature || !strings.Contains(s.Detail, "names key "+f.pub) {
					t.Errorf("tampered bundle: %+v", s)
				}
			}
		}
		if !found || len(res.Signatures) != 2 {
			t.Errorf("want the original and the tampered bundle: %+v", res.Signatures)
		}
	})

	t.Run("an attestation is no signature", func(t *testing.T) {
		attested := f.push("team/attested")
		dir := t.TempDir()
		predicate := filepath.Join(dir, "predicate.json")
		if err := os.WriteFile(predicate, []byte(`{"verdict":"pass"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, layout := range [][]string{nil, {"--new-bundle-format"}} {
			args := append([]string{"attest", "--key", f.key, "--predicate", predicate, "--type", "https://kubestride.io/test/v1", "--tlog-upload=false", "-y"}, layout...)
			f.cosign.Must(dir, append(args, attested)...)
		}
		if idx, err := remote.Referrers(mustDigest(t, attested)); err != nil {
			t.Fatal(err)
		} else if im, _ := idx.IndexManifest(); len(im.Manifests) != 1 {
			t.Fatalf("want the attestation bundle attached as a referrer: %+v", im)
		}
		res := f.verify(attested, f.pub)
		wantRefused(t, res, NoSignature, "has no cosign signature")
		f.agree(attested, res, "--key", f.pub)
	})

	t.Run("a bundle attached to another digest signs the other digest", func(t *testing.T) {
		victim := f.push("team/bundled")
		rewriteBundle(t, img, victim, func(map[string]any) {})
		res := f.verify(victim, f.pub)
		wantRefused(t, res, OtherDigest, "the statement's subject is "+mustDigest(t, img).DigestStr())
		f.agree(victim, res, "--new-bundle-format", "--key", f.pub)
	})
}

func mustDigest(t *testing.T, s string) name.Digest {
	t.Helper()
	d, err := name.NewDigest(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// rewriteSig replaces the one layer of an image's .sig tag by edit's
// payload and signature annotation, keeping the other annotations.
func rewriteSig(t *testing.T, image string, edit func(payload []byte, sig string) ([]byte, string)) {
	t.Helper()
	tag := sigTag(mustDigest(t, image))
	img, err := remote.Image(tag)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := img.Manifest()
	if len(m.Layers) != 1 {
		t.Fatalf("%s has %d layers", tag, len(m.Layers))
	}
	l, _ := img.LayerByDigest(m.Layers[0].Digest)
	payload, err := readLimited(l.Compressed)
	if err != nil {
		t.Fatal(err)
	}
	newPayload, sig := edit(payload, m.Layers[0].Annotations[annSignature])
	ann := map[string]string{}
	for k, v := range m.Layers[0].Annotations {
		ann[k] = v
	}
	ann[annSignature] = sig
	out := mutate.MediaType(empty.Image, m.MediaType)
	out, err = mutate.Append(out, mutate.Addendum{Layer: static.NewLayer(newPayload, m.Layers[0].MediaType), Annotations: ann})
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, out); err != nil {
		t.Fatal(err)
	}
}

// rawManifest is a manifest pushed byte for byte.
type rawManifest struct {
	body []byte
	mt   types.MediaType
}

func (r rawManifest) RawManifest() ([]byte, error)        { return r.body, nil }
func (r rawManifest) MediaType() (types.MediaType, error) { return r.mt, nil }

// rewriteBundle attaches to the digest of to a copy of the bundle referrer
// of from, edited by edit.
func rewriteBundle(t *testing.T, from, to string, edit func(bundle map[string]any)) {
	t.Helper()
	fd, td := mustDigest(t, from), mustDigest(t, to)
	idx, err := remote.Referrers(fd)
	if err != nil {
		t.Fatal(err)
	}
	im, _ := idx.IndexManifest()
	if len(im.Manifests) != 1 {
		t.Fatalf("%s has %d referrers", from, len(im.Manifests))
	}
	desc, err := remote.Get(fd.Context().Digest(im.Manifests[0].Digest.String()))
	if err != nil {
		t.Fatal(err)
	}
	var m v1.Manifest
	var generic map[string]any
	if err := json.Unmarshal(desc.Manifest, &m); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(desc.Manifest, &generic)
	l, err := remote.Layer(fd.Context().Digest(m.Layers[0].Digest.String()))
	if err != nil {
		t.Fatal(err)
	}
	body, err := readLimited(l.Compressed)
	if err != nil {
		t.Fatal(err)
	}
	var b map[string]any
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	edit(b)
	body, _ = json.Marshal(b)
	layer := static.NewLayer(body, m.Layers[0].MediaType)
	if err := remote.WriteLayer(td.Context(), layer); err != nil {
		t.Fatal(err)
	}
	ld, _ := layer.Digest()
	// The config blob must be in the target repository too.
	cfg, err := remote.Layer(fd.Context().Digest(m.Config.Digest.String()))
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := readLimited(cfg.Compressed)
	if err := remote.WriteLayer(td.Context(), static.NewLayer(cb, m.Config.MediaType)); err != nil {
		t.Fatal(err)
	}
	layers := generic["layers"].([]any)
	layers[0].(map[string]any)["digest"] = ld.String()
	layers[0].(map[string]any)["size"] = len(body)
	subj := generic["subject"].(map[string]any)
	subj["digest"] = td.DigestStr()
	// The annotations say when it was made; a copy must differ from the
	// original even when nothing else does.
	generic["annotations"].(map[string]any)["org.opencontainers.image.created"] = "2026-01-01T00:00:00Z"
	raw, _ := json.Marshal(generic)
	h, _, _ := v1.SHA256(bytes.NewReader(raw))
	if err := remote.Put(td.Context().Digest(h.String()), rawManifest{raw, types.MediaType(generic["mediaType"].(string))}); err != nil {
		t.Fatal(err)
	}
}
