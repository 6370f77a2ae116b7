package image

import (
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The OCI annotations that name an image's base.
const (
	AnnotationBaseName   = "org.opencontainers.image.base.name"
	AnnotationBaseDigest = "org.opencontainers.image.base.digest"
)

// Facts are what an image policy judges about a resolved image or index.
type Facts struct {
	// Ref is the reference pinned to Digest.
	Ref Ref
	// Digest and MediaType are the manifest's.
	Digest    v1.Hash
	MediaType types.MediaType
	// Platform is an image's, from its config (nil for an index).
	Platform *v1.Platform
	// Annotations are the manifest's.
	Annotations map[string]string
	// BaseName and BaseDigest are the base image the manifest names in
	// its annotations (AnnotationBaseName, AnnotationBaseDigest); empty
	// when it names none, and History is then all there is to go by.
	BaseName, BaseDigest string
	// History is an image's config history, oldest first (none for an
	// index).
	History []v1.History
	// Manifests are an index's entries, in index order, each with its own
	// facts (none for an image).
	Manifests []Facts
}

// Facts reads the facts of ref: one GET of the manifest, and one of each
// image's config (of every entry, for an index).
func (c *Client) Facts(ctx context.Context, ref Ref) (Facts, error) {
	parent := ctx
	ctx, cancel := c.bound(ctx)
	defer cancel()
	r, err := ref.reference()
	if err != nil {
		return Facts{}, fmt.Errorf("image %q: %w", ref, err)
	}
	desc, err := c.puller.Get(ctx, r)
	if err != nil {
		return Facts{}, c.fail(parent, ref, err)
	}
	f, err := facts(ref, desc)
	if err != nil {
		return Facts{}, c.fail(parent, ref, err)
	}
	return f, nil
}

// facts of the manifest desc, found at ref.
func facts(ref Ref, desc *remote.Descriptor) (Facts, error) {
	f := Facts{Ref: ref.WithDigest(desc.Digest), Digest: desc.Digest, MediaType: desc.MediaType}
	switch {
	case desc.MediaType.IsIndex():
		idx, err := desc.ImageIndex()
		if err != nil {
			return Facts{}, err
		}
		return f, indexFacts(&f, idx)
	case desc.MediaType.IsImage():
		img, err := desc.Image()
		if err != nil {
			return Facts{}, err
		}
		return f, imageFacts(&f, img)
	}
	return Facts{}, fmt.Errorf("manifest %s has media type %q, which is no image or index", desc.Digest, desc.MediaType)
}

func indexFacts(f *Facts, idx v1.ImageIndex) error {
	im, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	f.setAnnotations(im.Annotations)
	for _, d := range im.Manifests {
		child := Facts{Ref: f.Ref.WithDigest(d.Digest), Digest: d.Digest, MediaType: d.MediaType}
		switch {
		case d.MediaType.IsIndex():
			ci, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return err
			}
			if err := indexFacts(&child, ci); err != nil {
				return err
			}
		case d.MediaType.IsImage():
			img, err := idx.Image(d.Digest)
			if err != nil {
				return err
			}
			if err := imageFacts(&child, img); err != nil {
				return err
			}
			if child.Platform == nil {
				child.Platform = d.Platform
			}
		}
		f.Manifests = append(f.Manifests, child)
	}
	return nil
}

func imageFacts(f *Facts, img v1.Image) error {
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	f.setAnnotations(m.Annotations)
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	if cf.OS != "" || cf.Architecture != "" {
		f.Platform = &v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant, OSVersion: cf.OSVersion}
	}
	f.History = cf.History
	return nil
}

func (f *Facts) setAnnotations(a map[string]string) {
	f.Annotations = a
	f.BaseName, f.BaseDigest = a[AnnotationBaseName], a[AnnotationBaseDigest]
}
