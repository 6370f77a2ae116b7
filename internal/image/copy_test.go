package image

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/kubestride/kubestride/internal/image/imagetest"
)

const bundleType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// artifact pushes to ref a small OCI artifact of artifactType, with
// subject when one is given (an OCI referrer), and returns its
// descriptor.
func artifact(t *testing.T, ref string, subject *v1.Descriptor, artifactType, payload string) v1.Descriptor {
	t.Helper()
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.MediaType(artifactType))
	img, err := mutate.Append(img, mutate.Addendum{Layer: static.NewLayer([]byte(payload), types.MediaType(artifactType))})
	if err != nil {
		t.Fatal(err)
	}
	if subject != nil {
		img = mutate.Subject(img, *subject).(v1.Image)
	}
	d := imagetest.Push(t, ref, img)
	size, _ := img.Size()
	return v1.Descriptor{MediaType: types.OCIManifestSchema1, Digest: d, Size: size, ArtifactType: artifactType}
}

// cosignTag is cosign's classic tag for what is attached to d.
func cosignTag(d v1.Hash, suffix string) string {
	return strings.Replace(d.String(), ":", "-", 1) + suffix
}

// TestCopy: an index is copied by digest with every entry, its tag, the
// cosign tags of the index and of an entry, and its referrers (and a
// referrer's referrer); into the same registry (no blob uploaded), to
// another registry without the referrers API (which then keeps the
// fallback tag), again (nothing uploaded), and back from it.
func TestCopy(t *testing.T) {
	a := imagetest.Start(t)
	b := imagetest.StartWith(t, imagetest.Options{NoReferrers: true})
	idx := imagetest.Index(t, amd64, arm64)
	d := imagetest.Push(t, a.Ref("team/app", ":v1"), idx)
	im, _ := idx.IndexManifest()
	entry := im.Manifests[1].Digest
	idxSize, _ := idx.Size()
	sig := artifact(t, a.Ref("team/app", ":"+cosignTag(d, ".sig")), nil, "application/vnd.dev.cosign.simplesigning.v1+json", "signature of the index")
	att := artifact(t, a.Ref("team/app", ":"+cosignTag(entry, ".att")), nil, "application/vnd.dsse.envelope.v1+json", "attestation of arm64")
	bundle := artifact(t, a.Ref("team/app", ":bundle"), &v1.Descriptor{MediaType: types.OCIImageIndex, Digest: d, Size: idxSize}, bundleType, "bundle of the index")
	sbom := artifact(t, a.Ref("team/app", ":sbom"), &bundle, "application/spdx+json", "sbom attached to the bundle")

	want := []Attachment{
		{Kind: AttachSignature, Subject: d, Digest: sig.Digest, Tag: cosignTag(d, ".sig")},
		{Kind: AttachReferrer, Subject: d, Digest: bundle.Digest, ArtifactType: bundleType},
		{Kind: AttachReferrer, Subject: bundle.Digest, Digest: sbom.Digest, ArtifactType: "application/spdx+json"},
		{Kind: AttachAttestation, Subject: entry, Digest: att.Digest, Tag: cosignTag(entry, ".att")},
	}
	rec := &recorder{}
	c := client(t, rec, 10*time.Second)
	ctx := context.Background()

	copyTo := func(src *imagetest.Registry, srcRepo string, dst *imagetest.Registry, dstRepo string, tags ...string) {
		t.Helper()
		rec.reset()
		from := mustRef(t, src.Ref(srcRepo, "@"+d.String()))
		got, err := c.Copy(ctx, from, dst.Ref(dstRepo, ""), tags...)
		if err != nil {
			t.Fatalf("copy to %s: %v", dst.Ref(dstRepo, ""), err)
		}
		if got.Source != from || got.Target.String() != dst.Ref(dstRepo, "@"+d.String()) {
			t.Errorf("copied %s to %s", got.Source, got.Target)
		}
		if diff := cmp.Diff(want, got.Attachments); diff != "" {
			t.Errorf("attachments copied to %s (-want +got):\n%s", dst.Ref(dstRepo, ""), diff)
		}
		// Every manifest is in the target under its own digest.
		for _, m := range []v1.Hash{d, im.Manifests[0].Digest, entry, sig.Digest, att.Digest, bundle.Digest, sbom.Digest} {
			if h := head(t, dst.Ref(dstRepo, "@"+m.String())); h != m {
				t.Errorf("%s in %s: %s", m, dst.Ref(dstRepo, ""), h)
			}
		}
		for tag, m := range map[string]v1.Hash{cosignTag(d, ".sig"): sig.Digest, cosignTag(entry, ".att"): att.Digest} {
			if h := head(t, dst.Ref(dstRepo, ":"+tag)); h != m {
				t.Errorf("tag %s in %s is %s, want %s", tag, dst.Ref(dstRepo, ""), h, m)
			}
		}
		for _, tag := range tags {
			if h := head(t, dst.Ref(dstRepo, ":"+tag)); h != d {
				t.Errorf("tag %s in %s is %s, want %s", tag, dst.Ref(dstRepo, ""), h, d)
			}
		}
		// The referrers are listed in the target (by its API, or its
		// fallback tag).
		for subject, refs := range map[v1.Hash][]v1.Hash{d: {bundle.Digest}, bundle.Digest: {sbom.Digest}} {
			if got := referrers(t, dst.Ref(dstRepo, "@"+subject.String())); !slices.Equal(got, refs) {
				t.Errorf("referrers of %s in %s: %s, want %s", subject, dst.Ref(dstRepo, ""), got, refs)
			}
		}
	}
	uploads := func() []string { return rec.seen("POST /v2/") }

	copyTo(a, "team/app", a, "prod/app", "v1")
	if u := uploads(); len(u) != 0 {
		t.Errorf("a copy within one registry uploaded blobs: %q", u)
	}
	copyTo(a, "team/app", b, "quarantine/app")
	if len(uploads()) == 0 {
		t.Error("a copy to another registry uploaded no blob")
	}
	if h := head(t, b.Ref("quarantine/app", ":"+cosignTag(d, ""))); h == (v1.Hash{}) {
		t.Error("the registry without the referrers API has no fallback tag")
	}
	copyTo(a, "team/app", b, "quarantine/app")
	if u := uploads(); len(u) != 0 {
		t.Errorf("copying again uploaded blobs: %q", u)
	}
	copyTo(b, "quarantine/app", a, "restored/app")
}

// TestCopyErrors: a source not pinned by digest, a bad target, a missing
// or unreachable source.
func TestCopyErrors(t *testing.T) {
	reg := imagetest.Start(t)
	d := imagetest.Push(t, reg.Ref("team/app", ":v1"), imagetest.Image(t, imagetest.ImageOptions{}))
	closed := imagetest.Start(t)
	closed.Close()
	missing := "sha256:" + strings.Repeat("0", 64)
	h := reg.Host
	c := client(t, nil, 5*time.Second)
	for _, tc := range []struct {
		src, dst string
		kind     error
		want     string
	}{
		{reg.Ref("team/app", ":v1"), reg.Ref("prod/app", ""), nil,
			`copy "` + h + `/team/app:v1": the source must be pinned by digest`},
		{reg.Ref("team/app", "@"+d.String()), reg.Ref("prod/app", ":v1"), nil,
			`copy "` + h + `/team/app@` + d.String() + `": invalid repository "` + h + `/prod/app:v1": repository can only contain the characters ` + "`abcdefghijklmnopqrstuvwxyz0123456789_-./`" + `: prod/app:v1`},
		{reg.Ref("team/app", "@"+missing), reg.Ref("prod/app", ""), ErrNotFound,
			`image "` + h + `/team/app@` + missing + `": registry ` + h + ` has no manifest ` + missing + ` in repository "team/app"`},
		{closed.Ref("team/app", "@"+d.String()), reg.Ref("prod/app", ""), ErrUnreachable,
			`image "` + closed.Host + `/team/app@` + d.String() + `": registry ` + closed.Host + ` is unreachable: dial tcp ` + closed.Host + `: connect: connection refused`},
		{reg.Ref("team/app", "@"+d.String()), closed.Ref("prod/app", ""), ErrUnreachable,
			`image "` + closed.Host + `/prod/app@` + d.String() + `": registry ` + closed.Host + ` is unreachable: dial tcp ` + closed.Host + `: connect: connection refused`},
	} {
		_, err := c.Copy(context.Background(), mustRef(t, tc.src), tc.dst)
		if err == nil || err.Error() != tc.want || (tc.kind != nil && !errors.Is(err, tc.kind)) {
			t.Errorf("copy %s to %s:\n got %v\nwant %s (%v)", tc.src, tc.dst, err, tc.want, tc.kind)
		}
	}
}

// head is the digest ref names in its registry, zero when none.
func head(t *testing.T, ref string) v1.Hash {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Head(r)
	if err != nil {
		return v1.Hash{}
	}
	return desc.Digest
}

// referrers are the digests listed as referring to ref, sorted.
func referrers(t *testing.T, ref string) []v1.Hash {
	t.Helper()
	r, err := name.NewDigest(ref)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := remote.Referrers(r)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var out []v1.Hash
	for _, m := range im.Manifests {
		out = append(out, m.Digest)
	}
	slices.SortFunc(out, func(a, b v1.Hash) int { return strings.Compare(a.String(), b.String()) })
	return out
}
