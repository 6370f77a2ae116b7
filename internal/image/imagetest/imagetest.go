package imagetest

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Registry is a registry served in process until the test ends.
type Registry struct {
	// Host is its host:port on 127.0.0.1.
	Host string
	srv  *httptest.Server
}

// Start serves a new, empty registry until t ends.
func Start(t testing.TB) *Registry { return StartWith(t, Options{}) }

// Options shape a registry from StartWith.
type Options struct {
	// User and Password, when User is set, are required of every request
	// (HTTP basic authentication, as a registry behind htpasswd asks).
	User, Password string
	// NoReferrers turns the referrers API off, as on registries older
	// than OCI 1.1: clients then keep the sha256-<hex> fallback tag.
	NoReferrers bool
}

// StartWith serves a new, empty registry shaped by o until t ends.
func StartWith(t testing.TB, o Options) *Registry {
	t.Helper()
	var h http.Handler = registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(!o.NoReferrers))
	if o.User != "" {
		h = basicAuth(h, o.User, o.Password)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &Registry{Host: strings.TrimPrefix(srv.URL, "http://"), srv: srv}
}

// basicAuth answers 401 with a Basic challenge to a request without
// user's credentials, as the distribution registry does.
func basicAuth(h http.Handler, user, password string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="imagetest"`)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Close stops serving: a reference to the registry then fails to resolve,
// as an unreachable registry's does.
func (r *Registry) Close() { r.srv.Close() }

// Ref is repo (a path such as "team/app") in the registry, with a
// ":tag" or "@sha256:..." suffix when one is given.
func (r *Registry) Ref(repo, suffix string) string { return r.Host + "/" + repo + suffix }

// Push pushes img (a v1.Image or v1.ImageIndex) to ref and returns its
// digest.
func Push(t testing.TB, ref string, img any) v1.Hash {
	t.Helper()
	tag, err := name.ParseReference(ref)
	if err != nil {
		t.Fatalf("parse %s: %v", ref, err)
	}
	switch v := img.(type) {
	case v1.Image:
		if err := remote.Write(tag, v); err != nil {
			t.Fatalf("push %s: %v", ref, err)
		}
		d, err := v.Digest()
		if err != nil {
			t.Fatal(err)
		}
		return d
	case v1.ImageIndex:
		if err := remote.WriteIndex(tag, v); err != nil {
			t.Fatalf("push %s: %v", ref, err)
		}
		d, err := v.Digest()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	t.Fatalf("push %s: %T is no image or index", ref, img)
	return v1.Hash{}
}

// ImageOptions shape Image.
type ImageOptions struct {
	// Layers of random content (1 when 0), of LayerSize bytes (1 KiB when
	// 0).
	Layers    int
	LayerSize int64
	// Annotations of the manifest, e.g. org.opencontainers.image.base.name
	// and org.opencontainers.image.base.digest.
	Annotations map[string]string
	// History is the config's history, one entry per CreatedBy (for
	// images that name their base only there).
	History []string
	// Platform of the config (linux/amd64 when nil).
	Platform *v1.Platform
}

// Image builds an OCI image of random layers.
func Image(t testing.TB, o ImageOptions) v1.Image {
	t.Helper()
	layers, size := o.Layers, o.LayerSize
	if layers == 0 {
		layers = 1
	}
	if size == 0 {
		size = 1024
	}
	img, err := random.Image(size, int64(layers))
	if err != nil {
		t.Fatal(err)
	}
	img = mutate.MediaType(img, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	p := o.Platform
	if p == nil {
		p = &v1.Platform{OS: "linux", Architecture: "amd64"}
	}
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	cf.History = nil
	for i, by := range o.History {
		cf.History = append(cf.History, v1.History{Created: v1.Time{Time: time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC)}, CreatedBy: by})
	}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	if len(o.Annotations) > 0 {
		img = mutate.Annotations(img, o.Annotations).(v1.Image)
	}
	return img
}

// Index builds an OCI image index of one image per platform.
func Index(t testing.TB, platforms ...v1.Platform) v1.ImageIndex {
	t.Helper()
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for i := range platforms {
		p := platforms[i]
		img := Image(t, ImageOptions{Platform: &p})
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	return idx
}
