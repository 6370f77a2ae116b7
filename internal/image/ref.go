package image

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// DockerHub is the registry of references that name none, as containerd
// spells it.
const DockerHub = "docker.io"

// Ref is an image reference normalised as the kubelet and containerd
// normalise it: "nginx" is docker.io/library/nginx:latest.
type Ref struct {
	// Registry is the host (and port) of the registry; docker.io for
	// Docker Hub.
	Registry string
	// Repository is the path in the registry, e.g. "library/nginx".
	Repository string
	// Tag is the tag as written, or "latest" when neither a tag nor a
	// digest is; empty for a reference by digest alone.
	Tag string
	// Digest is "sha256:<hex>" when the reference pins one; it wins over
	// Tag, as it does for the container runtime.
	Digest string
}

// ParseRef parses an image reference.
func ParseRef(s string) (Ref, error) {
	r, err := name.ParseReference(s)
	if err != nil {
		// ParseReference hides why; the specific parser says.
		if strings.Contains(s, "@") {
			_, err = name.NewDigest(s)
		} else {
			_, err = name.NewTag(s)
		}
		return Ref{}, fmt.Errorf("invalid image reference %q: %w", s, err)
	}
	out := Ref{Registry: r.Context().RegistryStr(), Repository: r.Context().RepositoryStr()}
	if out.Registry == name.DefaultRegistry {
		out.Registry = DockerHub
	}
	switch r := r.(type) {
	case name.Tag:
		out.Tag = r.TagStr()
	case name.Digest:
		out.Digest = r.DigestStr()
		// "app:v1@sha256:..." keeps its tag for display; ggcr drops it.
		base, _, _ := strings.Cut(s, "@")
		if i := strings.LastIndexAny(base, ":/"); i >= 0 && base[i] == ':' {
			out.Tag = base[i+1:]
		}
	}
	return out, nil
}

// Name is the repository's full name: registry/repository.
func (r Ref) Name() string { return r.Registry + "/" + r.Repository }

// String is the reference as containerd records it: by digest when it has
// one, else by tag.
func (r Ref) String() string {
	if r.Digest != "" {
		return r.Name() + "@" + r.Digest
	}
	return r.Name() + ":" + r.Tag
}

// WithDigest is r pinned to d (its tag kept for display).
func (r Ref) WithDigest(d v1.Hash) Ref {
	r.Digest = d.String()
	return r
}

// reference is r for go-containerregistry.
func (r Ref) reference() (name.Reference, error) {
	if r.Digest != "" {
		return name.NewDigest(r.Name() + "@" + r.Digest)
	}
	tag := r.Tag
	if tag == "" {
		tag = "latest"
	}
	return name.NewTag(r.Name() + ":" + tag)
}
