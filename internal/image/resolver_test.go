package image

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/image/imagetest"
)

// clock is a settable time for a Resolver's cache.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestResolverCache: a resolution is reused until its TTL passes (a
// failure until ErrorTTL passes), by normalised reference, and
// concurrent requests for one image share one resolution.
func TestResolverCache(t *testing.T) {
	reg := imagetest.Start(t)
	first := imagetest.Push(t, reg.Ref("team/app", ":v1"), imagetest.Image(t, imagetest.ImageOptions{}))
	rec := &recorder{}
	r := NewResolver(client(t, rec, 5*time.Second), ResolverOptions{TTL: time.Minute, ErrorTTL: 10 * time.Second})
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	r.now = clk.Now
	ctx := context.Background()
	resolve := func(image string) (string, error) {
		got, err := r.Resolve(ctx, image)
		return got.Digest.String(), err
	}

	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if d, err := resolve(reg.Ref("team/app", ":v1")); err != nil || d != first.String() {
				t.Errorf("resolve: %s, %v; want %s", d, err, first)
			}
		})
	}
	wg.Wait()
	if m := rec.seen("/manifests/"); len(m) != 1 {
		t.Errorf("5 concurrent resolutions of one image asked the registry %d times: %q", len(m), m)
	}

	// The tag moves; the cache holds the old digest until the TTL passes.
	second := imagetest.Push(t, reg.Ref("team/app", ":v1"), imagetest.Image(t, imagetest.ImageOptions{}))
	clk.Add(59 * time.Second)
	if d, _ := resolve(reg.Ref("team/app", ":v1")); d != first.String() {
		t.Errorf("within the TTL: %s, want the cached %s", d, first)
	}
	clk.Add(time.Second)
	if d, _ := resolve(reg.Ref("team/app", ":v1")); d != second.String() {
		t.Errorf("after the TTL: %s, want %s", d, second)
	}

	// A failure is reused for ErrorTTL.
	if _, err := resolve(reg.Ref("team/app", ":v2")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing tag: %v", err)
	}
	imagetest.Push(t, reg.Ref("team/app", ":v2"), imagetest.Image(t, imagetest.ImageOptions{}))
	rec.reset()
	clk.Add(9 * time.Second)
	if _, err := resolve(reg.Ref("team/app", ":v2")); !errors.Is(err, ErrNotFound) || len(rec.seen("/manifests/")) != 0 {
		t.Errorf("within ErrorTTL: %v after %q, want the cached failure", err, rec.seen(""))
	}
	clk.Add(time.Second)
	if _, err := resolve(reg.Ref("team/app", ":v2")); err != nil {
		t.Errorf("after ErrorTTL: %v", err)
	}

	if _, err := resolve("Bad/Ref"); err == nil || err.Error() != `invalid image reference "Bad/Ref": repository can only contain the characters `+"`abcdefghijklmnopqrstuvwxyz0123456789_-./`"+`: Bad/Ref` {
		t.Errorf("bad reference: %v", err)
	}
}

// TestResolveAll: results come in the order given, each with its own
// error, and no more resolutions run at once than the bound.
func TestResolveAll(t *testing.T) {
	reg := imagetest.Start(t)
	closed := imagetest.Start(t)
	closed.Close()
	var images []string
	want := map[string]string{}
	for i := range 8 {
		ref := reg.Ref("team/app", fmt.Sprintf(":v%d", i))
		want[ref] = imagetest.Push(t, ref, imagetest.Image(t, imagetest.ImageOptions{})).String()
		images = append(images, ref)
	}
	images = append(images, reg.Ref("team/app", ":gone"), closed.Ref("team/app", ":v1"))

	rec := &recorder{delay: 20 * time.Millisecond}
	r := NewResolver(client(t, rec, 5*time.Second), ResolverOptions{Concurrency: 2})
	got := r.ResolveAll(context.Background(), images)
	if len(got) != len(images) {
		t.Fatalf("%d results for %d images", len(got), len(images))
	}
	for i, res := range got {
		switch {
		case res.Image != images[i]:
			t.Errorf("result %d is for %s, want %s", i, res.Image, images[i])
		case i < 8 && (res.Err != nil || res.Resolved.Digest.String() != want[res.Image]):
			t.Errorf("%s: %s, %v; want %s", res.Image, res.Resolved.Digest, res.Err, want[res.Image])
		}
	}
	if !errors.Is(got[8].Err, ErrNotFound) || !errors.Is(got[9].Err, ErrUnreachable) {
		t.Errorf("missing tag: %v; closed registry: %v", got[8].Err, got[9].Err)
	}
	if m := rec.max.Load(); m != 2 {
		t.Errorf("at most %d requests in flight, want the bound of 2", m)
	}
}
