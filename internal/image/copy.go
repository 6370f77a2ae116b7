package image

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// The kinds of Attachment.
const (
	// AttachSignature, AttachAttestation and AttachSBOM are cosign's
	// classic tags: sha256-<hex>.sig, .att and .sbom.
	AttachSignature   = "signature"
	AttachAttestation = "attestation"
	AttachSBOM        = "sbom"
	// AttachReferrer is an OCI referrer (a manifest whose subject is the
	// image), listed by the referrers API or the sha256-<hex> fallback
	// tag: cosign's bundle signatures and attestations among them.
	AttachReferrer = "referrer"
)

// cosignTags are cosign's classic attachment tag suffixes, by kind.
var cosignTags = []struct{ suffix, kind string }{
	{".sig", AttachSignature},
	{".att", AttachAttestation},
	{".sbom", AttachSBOM},
}

// Attachment is a manifest attached to an image, copied with it.
type Attachment struct {
	// Kind is AttachSignature, AttachAttestation, AttachSBOM or
	// AttachReferrer.
	Kind string
	// Subject is the digest of the manifest it is attached to: the
	// image, one of an index's entries, or another referrer.
	Subject v1.Hash
	// Digest is the attachment manifest's own.
	Digest v1.Hash
	// Tag is a classic attachment's tag; empty for a referrer.
	Tag string
	// ArtifactType is a referrer's.
	ArtifactType string
}

// Copied is the outcome of a Copy.
type Copied struct {
	// Source and Target are the image in each repository, pinned to the
	// same digest.
	Source, Target Ref
	// Attachments are what was copied with it, in the order copied.
	Attachments []Attachment
}

// Copy copies the image or index src (which must be pinned by digest) to
// the repository dst ("registry/path"), with every entry of an index,
// and with what is attached to the image and to each entry: cosign's
// classic .sig, .att and .sbom tags and OCI referrers (recursively). tags,
// if any, are set on the copy in dst. Every copied manifest keeps its
// digest, which Copy checks against the target registry. Copying again
// is harmless: what the target holds is not uploaded again, and blobs
// are mounted from src's repository when both are in one registry.
func (c *Client) Copy(ctx context.Context, src Ref, dst string, tags ...string) (Copied, error) {
	if src.Digest == "" {
		return Copied{}, fmt.Errorf("copy %q: the source must be pinned by digest", src)
	}
	dstRepo, dstRef, err := repository(dst)
	if err != nil {
		return Copied{}, fmt.Errorf("copy %q: %w", src, err)
	}
	d, err := v1.NewHash(src.Digest)
	if err != nil {
		return Copied{}, fmt.Errorf("copy %q: %w", src, err)
	}
	out := Copied{Source: src, Target: dstRef.WithDigest(d)}
	parent := ctx
	ctx, cancel := c.bound(ctx)
	defer cancel()
	cp := copier{c: c, ctx: ctx, parent: parent, src: src, dst: dstRepo, dstRef: dstRef, seen: map[v1.Hash]bool{}}

	desc, err := cp.copyManifest(d)
	if err != nil {
		return Copied{}, err
	}
	for _, t := range tags {
		if err := cp.tag(desc, t); err != nil {
			return Copied{}, err
		}
	}
	subjects := []v1.Hash{d}
	if desc.MediaType.IsIndex() {
		children, err := cp.children(desc)
		if err != nil {
			return Copied{}, err
		}
		subjects = append(subjects, children...)
	}
	for _, s := range subjects {
		if err := cp.attachments(s); err != nil {
			return Copied{}, err
		}
	}
	out.Attachments = cp.attached
	return out, nil
}

// copier is one Copy in progress.
type copier struct {
	c           *Client
	ctx, parent context.Context
	src         Ref
	dst         name.Repository
	dstRef      Ref
	seen        map[v1.Hash]bool // subjects whose attachments are copied
	attached    []Attachment
}

// srcAt is the source repository at identifier (a digest or a tag).
func (cp *copier) srcAt(id string) Ref {
	r := Ref{Registry: cp.src.Registry, Repository: cp.src.Repository}
	if strings.HasPrefix(id, "sha256:") {
		r.Digest = id
	} else {
		r.Tag = id
	}
	return r
}

// dstAt is the target repository at identifier, for messages.
func (cp *copier) dstAt(id string) Ref {
	r := Ref{Registry: cp.dstRef.Registry, Repository: cp.dstRef.Repository}
	if strings.HasPrefix(id, "sha256:") {
		r.Digest = id
	} else {
		r.Tag = id
	}
	return r
}

// get fetches the source manifest at id.
func (cp *copier) get(id string) (*remote.Descriptor, error) {
	ref := cp.srcAt(id)
	r, err := ref.reference()
	if err != nil {
		return nil, err
	}
	desc, err := cp.c.puller.Get(cp.ctx, r)
	if err != nil {
		return nil, cp.c.fail(cp.parent, ref, err)
	}
	return desc, nil
}

// copyManifest copies the source manifest d (and everything it refers
// to) to the target by digest.
func (cp *copier) copyManifest(d v1.Hash) (*remote.Descriptor, error) {
	desc, err := cp.get(d.String())
	if err != nil {
		return nil, err
	}
	return desc, cp.push(desc, cp.dst.Digest(d.String()), d.String())
}

// tag points tag in the target at desc, which is already there.
func (cp *copier) tag(desc *remote.Descriptor, tag string) error {
	t, err := name.NewTag(cp.dst.String()+":"+tag, name.WeakValidation)
	if err != nil {
		return fmt.Errorf("copy %q: invalid tag %q: %w", cp.src, tag, err)
	}
	if err := cp.c.pusher.Put(cp.ctx, t, desc); err != nil {
		return cp.c.fail(cp.parent, cp.dstAt(tag), err)
	}
	return cp.check(t, desc.Digest, tag)
}

// push writes desc to ref in the target and checks the digest there.
func (cp *copier) push(desc *remote.Descriptor, ref name.Reference, id string) error {
	if err := cp.c.pusher.Push(cp.ctx, ref, desc); err != nil {
		return cp.c.fail(cp.parent, cp.dstAt(id), err)
	}
	return cp.check(ref, desc.Digest, id)
}

// check asks the target what ref now is: a copy that changed a digest
// would leave signatures that no longer apply.
func (cp *copier) check(ref name.Reference, want v1.Hash, id string) error {
	got, err := cp.c.puller.Head(cp.ctx, ref)
	if err != nil {
		return cp.c.fail(cp.parent, cp.dstAt(id), err)
	}
	if got.Digest != want {
		return fmt.Errorf("copy %q: %s in %s is %s after the copy, not %s", cp.src, id, cp.dst, got.Digest, want)
	}
	return nil
}

// children are an index's entries, recursively.
func (cp *copier) children(desc *remote.Descriptor) ([]v1.Hash, error) {
	idx, err := desc.ImageIndex()
	if err != nil {
		return nil, fmt.Errorf("copy %q: %w", cp.src, err)
	}
	return indexChildren(idx)
}

func indexChildren(idx v1.ImageIndex) ([]v1.Hash, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var out []v1.Hash
	for _, m := range im.Manifests {
		out = append(out, m.Digest)
		if m.MediaType.IsIndex() {
			ci, err := idx.ImageIndex(m.Digest)
			if err != nil {
				return nil, err
			}
			more, err := indexChildren(ci)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		}
	}
	return out, nil
}

// attachments copies what is attached to subject: cosign's classic tags,
// then its referrers and, recursively, theirs.
func (cp *copier) attachments(subject v1.Hash) error {
	if cp.seen[subject] {
		return nil
	}
	cp.seen[subject] = true
	for _, ct := range cosignTags {
		tag := strings.Replace(subject.String(), ":", "-", 1) + ct.suffix
		desc, err := cp.get(tag)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := cp.push(desc, cp.dst.Digest(desc.Digest.String()), desc.Digest.String()); err != nil {
			return err
		}
		if err := cp.tag(desc, tag); err != nil {
			return err
		}
		cp.attached = append(cp.attached, Attachment{Kind: ct.kind, Subject: subject, Digest: desc.Digest, Tag: tag})
	}

	ref := cp.srcAt(subject.String())
	r, err := ref.reference()
	if err != nil {
		return err
	}
	idx, err := remote.Referrers(r.(name.Digest), remote.Reuse(cp.c.puller), remote.WithContext(cp.ctx))
	if err != nil {
		return cp.c.fail(cp.parent, ref, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return cp.c.fail(cp.parent, ref, err)
	}
	refs := slices.Clone(im.Manifests)
	slices.SortFunc(refs, func(a, b v1.Descriptor) int { return strings.Compare(a.Digest.String(), b.Digest.String()) })
	for _, m := range refs {
		if _, err := cp.copyManifest(m.Digest); err != nil {
			return err
		}
		cp.attached = append(cp.attached, Attachment{Kind: AttachReferrer, Subject: subject, Digest: m.Digest, ArtifactType: m.ArtifactType})
	}
	for _, m := range refs {
		if err := cp.attachments(m.Digest); err != nil {
			return err
		}
	}
	return nil
}
