package image

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/kubestride/kubestride/internal/image/imagetest"
)

// recorder is a transport that records the requests it carries ("HEAD
// /v2/team/app/manifests/v1") and how many were in flight at most.
type recorder struct {
	next     http.RoundTripper
	delay    time.Duration
	refuse   func(*http.Request) bool // answered 405 without reaching the registry
	mu       sync.Mutex
	requests []string
	inFlight atomic.Int32
	max      atomic.Int32
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.requests = append(r.requests, req.Method+" "+req.URL.Path)
	r.mu.Unlock()
	if r.refuse != nil && r.refuse(req) {
		return &http.Response{StatusCode: http.StatusMethodNotAllowed, Status: "405 Method Not Allowed", Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	}
	n := r.inFlight.Add(1)
	defer r.inFlight.Add(-1)
	for m := r.max.Load(); n > m && !r.max.CompareAndSwap(m, n); m = r.max.Load() {
	}
	time.Sleep(r.delay)
	return r.next.RoundTrip(req)
}

// seen are the requests recorded whose "METHOD path" contains sub.
func (r *recorder) seen(sub string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.requests {
		if strings.Contains(s, sub) {
			out = append(out, s)
		}
	}
	return out
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = nil
}

// client is a Client over rec (when not nil) bounded by timeout.
func client(t *testing.T, rec *recorder, timeout time.Duration) *Client {
	t.Helper()
	o := Options{Timeout: timeout}
	if rec != nil {
		rec.next = remote.DefaultTransport
		o.Transport = rec
	}
	c, err := NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustRef(t *testing.T, s string) Ref {
	t.Helper()
	r, err := ParseRef(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var (
	amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
)

// TestResolve: a tag resolves to the digest pushed, for an image and for
// an index with its entries per platform; a digest resolves to itself.
func TestResolve(t *testing.T) {
	reg := imagetest.Start(t)
	imgDigest := imagetest.Push(t, reg.Ref("team/app", ":v1"), imagetest.Image(t, imagetest.ImageOptions{}))
	idx := imagetest.Index(t, amd64, arm64)
	idxDigest := imagetest.Push(t, reg.Ref("team/multi", ":v1"), idx)
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	c := client(t, nil, 5*time.Second)
	ctx := context.Background()

	got, err := c.Resolve(ctx, mustRef(t, reg.Ref("team/app", ":v1")))
	if err != nil {
		t.Fatal(err)
	}
	if got.Digest != imgDigest || got.MediaType != types.OCIManifestSchema1 || got.IsIndex() || len(got.Manifests) != 0 {
		t.Errorf("image resolves to %+v, pushed %s", got, imgDigest)
	}
	if want := reg.Ref("team/app", "@"+imgDigest.String()); got.Ref.String() != want || got.Ref.Tag != "v1" {
		t.Errorf("pinned reference %s (tag %q), want %s (tag v1)", got.Ref, got.Ref.Tag, want)
	}
	if d, ok := got.ForPlatform(arm64); !ok || d != imgDigest {
		t.Errorf("an image's ForPlatform = %s, %v; want its own digest", d, ok)
	}
	byDigest, err := c.Resolve(ctx, mustRef(t, reg.Ref("team/app", "@"+imgDigest.String())))
	if err != nil || byDigest.Digest != imgDigest {
		t.Errorf("by digest: %+v, %v", byDigest, err)
	}

	got, err = c.Resolve(ctx, mustRef(t, reg.Ref("team/multi", ":v1")))
	if err != nil {
		t.Fatal(err)
	}
	if got.Digest != idxDigest || !got.IsIndex() || len(got.Manifests) != 2 {
		t.Fatalf("index resolves to %+v, pushed %s", got, idxDigest)
	}
	for i, p := range []v1.Platform{amd64, arm64} {
		if m := got.Manifests[i]; m.Digest != im.Manifests[i].Digest || m.Platform == nil || !m.Platform.Equals(p) || m.MediaType != types.OCIManifestSchema1 {
			t.Errorf("entry %d = %+v, want %s for %s", i, m, im.Manifests[i].Digest, p)
		}
		if d, ok := got.ForPlatform(p); !ok || d != im.Manifests[i].Digest {
			t.Errorf("ForPlatform(%s) = %s, %v; want %s", p, d, ok, im.Manifests[i].Digest)
		}
	}
	if d, ok := got.ForPlatform(v1.Platform{OS: "linux", Architecture: "s390x"}); ok {
		t.Errorf("ForPlatform(linux/s390x) = %s for an index without it", d)
	}
}

// TestResolveHeadThenGet: a HEAD answers the digest alone; a registry
// that refuses HEAD is asked with a GET.
func TestResolveHeadThenGet(t *testing.T) {
	reg := imagetest.Start(t)
	d := imagetest.Push(t, reg.Ref("team/app", ":v1"), imagetest.Image(t, imagetest.ImageOptions{}))
	ref := mustRef(t, reg.Ref("team/app", ":v1"))

	rec := &recorder{}
	got, err := client(t, rec, 5*time.Second).Resolve(context.Background(), ref)
	if err != nil || got.Digest != d {
		t.Fatalf("resolve: %+v, %v", got, err)
	}
	if m := rec.seen("/manifests/"); len(m) != 1 || m[0] != "HEAD /v2/team/app/manifests/v1" {
		t.Errorf("manifest requests %q, want one HEAD", m)
	}

	rec = &recorder{refuse: func(r *http.Request) bool { return r.Method == http.MethodHead }}
	got, err = client(t, rec, 5*time.Second).Resolve(context.Background(), ref)
	if err != nil || got.Digest != d {
		t.Fatalf("resolve without HEAD: %+v, %v", got, err)
	}
	if m := rec.seen("/manifests/"); strings.Join(m, ", ") != "HEAD /v2/team/app/manifests/v1, GET /v2/team/app/manifests/v1" {
		t.Errorf("manifest requests %q, want HEAD then GET", m)
	}
}

// TestResolveErrors: each failure names the image and the registry, and
// has its kind.
func TestResolveErrors(t *testing.T) {
	reg := imagetest.Start(t)
	imagetest.Push(t, reg.Ref("team/app", ":v1"), imagetest.Image(t, imagetest.ImageOptions{}))
	closed := imagetest.Start(t)
	closed.Close()
	hung := hangingRegistry(t)
	missing := "sha256:" + strings.Repeat("0", 64)
	h := reg.Host

	for _, tc := range []struct {
		name, ref string
		kind      error
		want      string
	}{
		{"missing tag", reg.Ref("team/app", ":v2"), ErrNotFound,
			`image "` + h + `/team/app:v2": registry ` + h + ` has no tag "v2" in repository "team/app"`},
		{"missing repository", reg.Ref("team/none", ":v1"), ErrNotFound,
			`image "` + h + `/team/none:v1": registry ` + h + ` has no repository "team/none"`},
		{"missing digest", reg.Ref("team/app", "@"+missing), ErrNotFound,
			`image "` + h + `/team/app@` + missing + `": registry ` + h + ` has no manifest ` + missing + ` in repository "team/app"`},
		{"closed registry", closed.Ref("team/app", ":v1"), ErrUnreachable,
			`image "` + closed.Host + `/team/app:v1": registry ` + closed.Host + ` is unreachable: dial tcp ` + closed.Host + `: connect: connection refused`},
		{"silent registry", hung + "/team/app:v1", ErrUnreachable,
			`image "` + hung + `/team/app:v1": registry ` + hung + ` did not answer within 300ms`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := client(t, nil, 300*time.Millisecond).Resolve(context.Background(), mustRef(t, tc.ref))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error\n got %v\nwant %s", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tc.kind) || e.Image != mustRef(t, tc.ref).String() || e.Registry != mustRef(t, tc.ref).Registry {
				t.Errorf("error %#v is not an *Error of kind %v naming the image and registry", err, tc.kind)
			}
			for _, other := range []error{ErrNotFound, ErrUnreachable, ErrAuth} {
				if other != tc.kind && errors.Is(err, other) {
					t.Errorf("error is also %v", other)
				}
			}
			if time.Since(start) > 3*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
		})
	}
}

// hangingRegistry accepts connections and never answers.
func hangingRegistry(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}
