package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// DefaultTimeout bounds one registry operation (a resolution, the facts
// of an image, a copy) when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Options configure a Client.
type Options struct {
	// Keychain finds credentials per registry; authn.DefaultKeychain (the
	// Docker config file, $DOCKER_CONFIG/config.json or
	// ~/.docker/config.json, with its auths, credHelpers and credsStore)
	// when nil.
	Keychain authn.Keychain
	// Timeout bounds each operation (one Resolve, Facts or Copy, whole);
	// DefaultTimeout when zero. Copies of large images want more.
	Timeout time.Duration
	// Transport carries the requests; remote.DefaultTransport when nil.
	Transport http.RoundTripper
}

// Client reaches registries. It is safe for concurrent use, and reuses
// each repository's connection and token across calls.
type Client struct {
	keychain authn.Keychain
	timeout  time.Duration
	puller   *remote.Puller
	pusher   *remote.Pusher
}

// NewClient returns a Client.
func NewClient(o Options) (*Client, error) {
	c := &Client{keychain: o.Keychain, timeout: o.Timeout}
	if c.keychain == nil {
		c.keychain = authn.DefaultKeychain
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	opts := []remote.Option{
		remote.WithAuthFromKeychain(c.keychain),
		remote.WithUserAgent("kubestride"),
		// One quick retry of a flaky connection; a registry that is down
		// is reported, not waited for.
		remote.WithRetryBackoff(remote.Backoff{Duration: 100 * time.Millisecond, Factor: 2, Steps: 2}),
	}
	if o.Transport != nil {
		opts = append(opts, remote.WithTransport(o.Transport))
	}
	var err error
	if c.puller, err = remote.NewPuller(opts...); err != nil {
		return nil, fmt.Errorf("registry client: %w", err)
	}
	if c.pusher, err = remote.NewPusher(opts...); err != nil {
		return nil, fmt.Errorf("registry client: %w", err)
	}
	return c, nil
}

// Resolved is an image reference resolved through its registry.
type Resolved struct {
	// Ref is the reference pinned to Digest.
	Ref Ref
	// Digest is the digest of the manifest the reference names: the
	// index's for an index.
	Digest v1.Hash
	// MediaType is the manifest's.
	MediaType types.MediaType
	// Manifests are an index's entries, in index order (none for a single
	// image).
	Manifests []Manifest
}

// Manifest is one entry of an index.
type Manifest struct {
	Digest    v1.Hash
	MediaType types.MediaType
	// Platform is the entry's platform, nil when the index gives none.
	Platform *v1.Platform
}

// IsIndex reports whether the reference names an index.
func (r Resolved) IsIndex() bool { return r.MediaType.IsIndex() }

// ForPlatform is the digest a node of platform p runs: the index entry
// for p (ok is false when the index has none), or a single image's own
// digest.
func (r Resolved) ForPlatform(p v1.Platform) (d v1.Hash, ok bool) {
	if !r.IsIndex() {
		return r.Digest, true
	}
	for _, m := range r.Manifests {
		if m.Platform != nil && m.Platform.Satisfies(p) {
			return m.Digest, true
		}
	}
	return v1.Hash{}, false
}

// bound is ctx limited by the client's timeout.
func (c *Client) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout)
}

// fail classifies err from an operation on ref.
func (c *Client) fail(ctx context.Context, ref Ref, err error) error {
	return classify(ctx, c.keychain, ref, c.timeout, err)
}

// Resolve resolves ref to a digest: a HEAD of its manifest, then a GET
// when the registry does not answer the HEAD with a digest, or when the
// manifest is an index whose entries are needed.
func (c *Client) Resolve(ctx context.Context, ref Ref) (Resolved, error) {
	parent := ctx
	ctx, cancel := c.bound(ctx)
	defer cancel()
	r, err := ref.reference()
	if err != nil {
		return Resolved{}, fmt.Errorf("image %q: %w", ref, err)
	}
	var raw []byte
	desc, err := c.puller.Head(ctx, r)
	if err != nil {
		if ferr := c.fail(parent, ref, err); errors.Is(ferr, ErrUnreachable) || parent.Err() != nil {
			return Resolved{}, ferr
		}
		// Some registries refuse HEAD, or answer it without a digest;
		// a GET also carries the error's detail (no such repository,
		// no such tag) that a HEAD has no body for.
		got, err := c.puller.Get(ctx, r)
		if err != nil {
			return Resolved{}, c.fail(parent, ref, err)
		}
		desc, raw = &got.Descriptor, got.Manifest
	}
	out := Resolved{Ref: ref.WithDigest(desc.Digest), Digest: desc.Digest, MediaType: desc.MediaType}
	if !desc.MediaType.IsIndex() {
		return out, nil
	}
	if raw == nil {
		dr, _ := out.Ref.reference()
		got, err := c.puller.Get(ctx, dr)
		if err != nil {
			return Resolved{}, c.fail(parent, ref, err)
		}
		raw = got.Manifest
	}
	im, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		return Resolved{}, &Error{Image: ref.String(), Registry: ref.Registry, Reason: fmt.Sprintf("registry %s served an invalid index: %v", ref.Registry, err), Err: err}
	}
	for _, m := range im.Manifests {
		out.Manifests = append(out.Manifests, Manifest{Digest: m.Digest, MediaType: m.MediaType, Platform: m.Platform})
	}
	return out, nil
}

// repository is repo ("host/path") for go-containerregistry, as a Ref
// without tag or digest.
func repository(repo string) (name.Repository, Ref, error) {
	r, err := name.NewRepository(repo)
	if err != nil {
		return name.Repository{}, Ref{}, fmt.Errorf("invalid repository %q: %w", repo, err)
	}
	out := Ref{Registry: r.RegistryStr(), Repository: r.RepositoryStr()}
	if out.Registry == name.DefaultRegistry {
		out.Registry = DockerHub
	}
	return r, out, nil
}
