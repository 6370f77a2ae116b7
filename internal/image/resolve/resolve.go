// Package resolve is the loader stage of the image policy: it resolves the
// container images a scan or an admission request names through their
// registries (package image's Resolver: a cache, bounded concurrency, a
// timeout per operation), reads the facts the policy judges (digest,
// platforms, base image) and verifies their signatures offline with the
// policy's keys and identities (package sign), and records the results in
// a check.Images for the image-policy check, which does no I/O.
//
// An image that could not be resolved (an unreachable registry, refused
// credentials, no such image, a timeout) is returned as an error naming
// the image and the registry: a coverage gap for the caller to report,
// never a pass.
package resolve

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/sign"
	"github.com/kubestride/kubestride/internal/inventory"
)

// DefaultTimeout bounds one image's resolution, facts and signature
// verification when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Options configure a Stage.
type Options struct {
	// Policy is the image policy whose keys and identities verify
	// signatures; required.
	Policy *policy.Policy
	// Timeout bounds the work on one image (resolution, facts, signatures);
	// DefaultTimeout when zero.
	Timeout time.Duration
	// Concurrency bounds the images resolved at once (the Resolver's
	// default when zero).
	Concurrency int
	// Keychain finds registry credentials; authn.DefaultKeychain (the
	// Docker config file and its credential helpers) when nil.
	Keychain authn.Keychain
	// TTL is how long what was learned of an image is reused (the webhook
	// judges many requests for one image): 5 minutes when zero.
	TTL time.Duration
}

// Stage resolves images for the image policy. It is safe for concurrent
// use, and caches what it learns.
type Stage struct {
	policy   *policy.Policy
	timeout  time.Duration
	ttl      time.Duration
	keychain authn.Keychain
	resolver *image.Resolver
	client   *image.Client
	sem      chan struct{}
	now      func() time.Time

	mu    sync.Mutex
	cache map[string]cached // by digest reference: facts and signatures
}

type cached struct {
	r       check.ResolvedImage
	expires time.Time
}

// New returns a Stage.
func New(o Options) (*Stage, error) {
	if o.Policy == nil {
		return nil, fmt.Errorf("image resolution: an image policy is required")
	}
	s := &Stage{policy: o.Policy, timeout: o.Timeout, ttl: o.TTL, keychain: o.Keychain, now: time.Now, cache: map[string]cached{}}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.ttl <= 0 {
		s.ttl = 5 * time.Minute
	}
	if s.keychain == nil {
		s.keychain = authn.DefaultKeychain
	}
	c, err := image.NewClient(image.Options{Keychain: s.keychain, Timeout: s.timeout})
	if err != nil {
		return nil, err
	}
	n := o.Concurrency
	if n <= 0 {
		n = 8
	}
	s.client, s.sem = c, make(chan struct{}, n)
	s.resolver = image.NewResolver(c, image.ResolverOptions{TTL: s.ttl, Concurrency: n})
	return s, nil
}

// Images returns the distinct container images of inv's workloads (init,
// regular and ephemeral containers), sorted.
func Images(inv *inventory.Inventory) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range inv.Workloads {
		for _, c := range w.Containers() {
			if c.Image != "" && !seen[c.Image] {
				seen[c.Image] = true
				out = append(out, c.Image)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Failure is an image that could not be resolved.
type Failure struct {
	// Image is the reference as written; Err names the image and the
	// registry, and why.
	Image string
	Err   error
}

// Resolve resolves images concurrently into im (every image, resolved or
// not, is recorded there) and returns those that could not be resolved,
// in the order given.
func (s *Stage) Resolve(ctx context.Context, images []string, im *check.Images) []Failure {
	results := make([]check.ResolvedImage, len(images))
	var wg sync.WaitGroup
	for i, img := range images {
		if r, ok := im.Get(img); ok {
			results[i] = r
			continue
		}
		wg.Go(func() { results[i] = s.One(ctx, img) })
	}
	wg.Wait()
	var fails []Failure
	for i, img := range images {
		im.Set(img, results[i])
		if results[i].Err != nil {
			fails = append(fails, Failure{Image: img, Err: results[i].Err})
		}
	}
	return fails
}

// One resolves one image: its digest (through the resolver's cache), the
// facts the policy judges and its signatures under the rules that apply to
// its repository.
func (s *Stage) One(ctx context.Context, img string) check.ResolvedImage {
	ref, err := image.ParseRef(img)
	if err != nil {
		return check.ResolvedImage{Err: err}
	}
	res, err := s.resolver.Resolve(ctx, img)
	if err != nil {
		return check.ResolvedImage{Err: err}
	}
	key := res.Ref.Name() + "@" + res.Digest.String()
	s.mu.Lock()
	c, ok := s.cache[key]
	s.mu.Unlock()
	if ok && s.now().Before(c.expires) {
		return c.r
	}
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return check.ResolvedImage{Err: &image.Error{Image: ref.String(), Registry: ref.Registry, Reason: "resolution abandoned: " + ctx.Err().Error(), Err: ctx.Err()}}
	}
	facts, err := s.client.Facts(ctx, res.Ref)
	if err != nil {
		return check.ResolvedImage{Err: err}
	}
	out := check.ResolvedImage{Image: imageOf(img, facts)}
	repo := facts.Ref.Name()
	if rules := s.rulesFor(repo); len(rules) > 0 {
		out.Signatures, err = s.verify(ctx, facts.Ref, rules)
		if err != nil {
			return check.ResolvedImage{Err: err}
		}
	} else {
		out.Signatures = policy.Signatures{Checked: true}
	}
	s.mu.Lock()
	s.cache[key] = cached{out, s.now().Add(s.ttl)}
	s.mu.Unlock()
	return out
}

// rulesFor returns the signature rules whose repositories match repo
// (registry/path as image.Ref.Name gives it).
func (s *Stage) rulesFor(repo string) []policy.SignatureRule {
	norm, err := policy.Repository(repo)
	if err != nil {
		return nil
	}
	var out []policy.SignatureRule
	for _, r := range s.policy.Signatures {
		for _, p := range r.Repositories {
			if p.Match(norm) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// verify checks the signatures of ref (pinned to its digest) with the keys
// and identities of rules. An error means they could not be checked (the
// registry failed, a trusted root could not be read): never a pass.
func (s *Stage) verify(ctx context.Context, ref image.Ref, rules []policy.SignatureRule) (policy.Signatures, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var keys []sign.Key
	roots := map[string][]sign.Identity{}
	var rootOrder []string
	for _, r := range rules {
		for _, k := range r.Keys {
			sk, err := sign.ParseKey(k.ID, []byte(k.PEM))
			if err != nil {
				return policy.Signatures{}, fmt.Errorf("signature rule at %s: %w", r.At, err)
			}
			keys = append(keys, sk)
		}
		for _, id := range r.Identities {
			if _, ok := roots[id.TrustedRoot]; !ok {
				rootOrder = append(rootOrder, id.TrustedRoot)
			}
			sid := sign.Identity{Issuer: id.Issuer, Subject: id.Subject}
			if id.SubjectRegexp != "" {
				sid.Subject, sid.SubjectRegexp = "", "^(?:"+id.SubjectRegexp+")$"
			}
			roots[id.TrustedRoot] = append(roots[id.TrustedRoot], sid)
		}
	}
	var runs []sign.Options
	if len(keys) > 0 {
		runs = append(runs, sign.Options{Keys: keys})
	}
	for _, path := range rootOrder {
		if path == "" {
			// No trusted root: keyless signatures need a transparency
			// log or timestamp authority this offline verifier does not
			// read; they are left unchecked rather than passed.
			return policy.Signatures{}, fmt.Errorf("image %q: the identities %v name no trustedRoot, and keyless signatures are verified offline only against one", ref.String(), roots[path])
		}
		tr, err := sign.LoadTrustedRoot(path)
		if err != nil {
			return policy.Signatures{}, err
		}
		runs = append(runs, sign.Options{Keyless: &sign.Keyless{Root: tr, Identities: roots[path]}})
	}
	out := policy.Signatures{Checked: true}
	pinned := ref.String()
	for _, o := range runs {
		o.Remote = []remote.Option{remote.WithAuthFromKeychain(s.keychain)}
		res, err := sign.Verify(ctx, pinned, o)
		if err != nil {
			return policy.Signatures{}, &image.Error{Image: pinned, Registry: ref.Registry, Reason: fmt.Sprintf("signatures could not be read from registry %s: %v", ref.Registry, err), Err: err}
		}
		for _, sg := range res.Signatures {
			r := policy.SignatureResult{Verified: sg.Verified, Key: sg.Key}
			if sg.Signer != nil {
				r.Issuer, r.Subject = sg.Signer.Issuer, sg.Signer.Subject
				r.Key = ""
			}
			if !sg.Verified {
				r.Reason = string(sg.Reason)
				if sg.Detail != "" {
					r.Reason += ": " + sg.Detail
				}
			}
			out.Results = append(out.Results, r)
		}
	}
	return out, nil
}

// imageOf is what the policy judges of the image written as ref: its
// digest, an index's platform digests, and its base (an index's own, or its
// first platform image's, as builders write it).
func imageOf(ref string, f image.Facts) policy.Image {
	img := policy.Image{Reference: ref, Digest: f.Digest.String()}
	base := f
	for i, m := range f.Manifests {
		img.Platforms = append(img.Platforms, m.Digest.String())
		if i == 0 && f.BaseName == "" && f.BaseDigest == "" && len(f.History) == 0 {
			base = m
		}
	}
	img.Base = policy.Base{Name: base.BaseName, Digest: base.BaseDigest}
	for _, h := range base.History {
		img.Base.History = append(img.Base.History, h.CreatedBy)
	}
	return img
}
