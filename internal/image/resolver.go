package image

import (
	"context"
	"sync"
	"time"
)

// ResolverOptions configure a Resolver; zero values take the defaults.
type ResolverOptions struct {
	// TTL is how long a resolution is reused: 5 minutes by default.
	TTL time.Duration
	// ErrorTTL is how long a failure is reused, so that one unreachable
	// registry is not waited for once per image: 30 seconds by default.
	ErrorTTL time.Duration
	// Concurrency bounds the resolutions in flight: 8 by default.
	Concurrency int
}

// Resolver resolves many image references through a Client, with an
// in-memory cache by normalised reference and bounded concurrency.
// Concurrent requests for one reference share one resolution. It is safe
// for concurrent use.
type Resolver struct {
	client      *Client
	ttl, errTTL time.Duration
	sem         chan struct{}
	now         func() time.Time

	mu    sync.Mutex
	cache map[string]*resolution
}

type resolution struct {
	done    chan struct{} // closed when res and err are set
	res     Resolved
	err     error
	expires time.Time
}

// NewResolver returns a Resolver over c.
func NewResolver(c *Client, o ResolverOptions) *Resolver {
	r := &Resolver{client: c, ttl: o.TTL, errTTL: o.ErrorTTL, now: time.Now, cache: map[string]*resolution{}}
	if r.ttl <= 0 {
		r.ttl = 5 * time.Minute
	}
	if r.errTTL <= 0 {
		r.errTTL = 30 * time.Second
	}
	n := o.Concurrency
	if n <= 0 {
		n = 8
	}
	r.sem = make(chan struct{}, n)
	return r
}

// Resolve resolves image (as written in a pod spec) to a digest, from the
// cache when an unexpired resolution exists.
func (r *Resolver) Resolve(ctx context.Context, image string) (Resolved, error) {
	ref, err := ParseRef(image)
	if err != nil {
		return Resolved{}, err
	}
	key := ref.String()
	r.mu.Lock()
	e, ok := r.cache[key]
	if ok {
		select {
		case <-e.done:
			if !r.now().Before(e.expires) {
				ok = false
			}
		default: // in flight: share it
		}
	}
	if !ok {
		e = &resolution{done: make(chan struct{})}
		r.cache[key] = e
		r.mu.Unlock()
		r.run(ctx, key, ref, e)
	} else {
		r.mu.Unlock()
	}
	select {
	case <-e.done:
		return e.res, e.err
	case <-ctx.Done():
		return Resolved{}, &Error{Image: ref.String(), Registry: ref.Registry, Reason: "resolution abandoned: " + ctx.Err().Error(), Err: ctx.Err()}
	}
}

// run resolves ref into e, within the concurrency bound.
func (r *Resolver) run(ctx context.Context, key string, ref Ref, e *resolution) {
	defer close(e.done)
	select {
	case r.sem <- struct{}{}:
		defer func() { <-r.sem }()
	case <-ctx.Done():
		e.err = &Error{Image: ref.String(), Registry: ref.Registry, Reason: "resolution abandoned: " + ctx.Err().Error(), Err: ctx.Err()}
		r.forget(key, e)
		return
	}
	e.res, e.err = r.client.Resolve(ctx, ref)
	switch {
	case ctx.Err() != nil:
		// The caller gave up; the next one tries again.
		r.forget(key, e)
	case e.err != nil:
		e.expires = r.now().Add(r.errTTL)
	default:
		e.expires = r.now().Add(r.ttl)
	}
}

func (r *Resolver) forget(key string, e *resolution) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cache[key] == e {
		delete(r.cache, key)
	}
}

// Result is one image's resolution in ResolveAll.
type Result struct {
	// Image is the reference as given.
	Image    string
	Resolved Resolved
	Err      error
}

// ResolveAll resolves images concurrently, within the resolver's bound,
// and returns their results in the order given.
func (r *Resolver) ResolveAll(ctx context.Context, images []string) []Result {
	out := make([]Result, len(images))
	var wg sync.WaitGroup
	for i, img := range images {
		out[i].Image = img
		wg.Go(func() {
			out[i].Resolved, out[i].Err = r.Resolve(ctx, img)
		})
	}
	wg.Wait()
	return out
}
