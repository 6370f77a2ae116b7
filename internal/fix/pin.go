package fix

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/report"
)

// The checks whose remedy, pinning a tag to the digest its registry
// reports, needs the network: they are fixed only with Options.PinDigests.
const (
	ImageNotPinned check.ID = "image-not-pinned"
	ImageLatestTag check.ID = "image-latest-tag"
)

// Resolver resolves an image reference, as written in a pod spec, to the
// digest its registry reports. *image.Resolver is one.
type Resolver interface {
	Resolve(ctx context.Context, ref string) (image.Resolved, error)
}

// pin is the resolution of one image as written.
type pin struct {
	digest string
	err    error
}

// pinnable reports whether id's remedy pins img: a tag without a digest,
// and for image-latest-tag only "latest", written or implied.
func pinnable(id check.ID, img string) bool {
	if img == "" || strings.Contains(img, "@") {
		return false
	}
	if id == ImageLatestTag {
		tag := writtenTag(img)
		return tag == "" || tag == "latest"
	}
	return true
}

// writtenTag is the tag img is written with, "" when it has none (a ':'
// before the last '/' is a registry's port).
func writtenTag(img string) string {
	if i := strings.LastIndexByte(img, ':'); i > strings.LastIndexByte(img, '/') {
		return img[i+1:]
	}
	return ""
}

// wellFormed reports whether digest is sha256 with 64 or sha512 with 128
// lowercase hex digits, as image-not-pinned asks.
func wellFormed(digest string) bool {
	alg, hex, _ := strings.Cut(digest, ":")
	if !(alg == "sha256" && len(hex) == 64 || alg == "sha512" && len(hex) == 128) {
		return false
	}
	return strings.Trim(hex, "0123456789abcdef") == ""
}

// pinned is img with its tag ("latest" when it has none) and digest.
func pinned(img, digest string) string {
	if writtenTag(img) == "" {
		img += ":latest"
	}
	return img + "@" + digest
}

// resolvePins resolves, once each and concurrently, every image the chosen
// pinning remedies would rewrite on the workloads with their findings.
func resolvePins(ctx context.Context, states []*fileState, before *report.Report, chosen map[check.ID]bool, o Options) map[string]pin {
	if !chosen[ImageNotPinned] && !chosen[ImageLatestTag] {
		return nil
	}
	type wkey struct {
		file string
		res  report.Resource
	}
	found := map[wkey][]check.ID{}
	for i := range before.Findings {
		if f := &before.Findings[i]; f.Location != nil && f.Suppressed == nil && chosen[f.ID] && (f.ID == ImageNotPinned || f.ID == ImageLatestTag) {
			k := wkey{f.Location.File, f.Resource}
			found[k] = append(found[k], f.ID)
		}
	}
	var images []string
	seen := map[string]bool{}
	for _, st := range states {
		if st.res.Err != nil {
			continue
		}
		for _, w := range inventory.Build(st.objs).Workloads {
			ids := found[wkey{st.res.Name, resourceOf(w.Object)}]
			for _, c := range w.Containers() {
				for _, id := range ids {
					if pinnable(id, c.Image) && !seen[c.Image] {
						seen[c.Image] = true
						images = append(images, c.Image)
					}
				}
			}
		}
	}
	out := make(map[string]pin, len(images))
	if len(images) == 0 {
		return out
	}
	r := o.Resolver
	if r == nil {
		client, err := image.NewClient(image.Options{})
		if err != nil {
			for _, img := range images {
				out[img] = pin{err: err}
			}
			return out
		}
		r = image.NewResolver(client, image.ResolverOptions{})
	}
	pins := make([]pin, len(images))
	var wg sync.WaitGroup
	for i, img := range images {
		wg.Go(func() {
			res, err := r.Resolve(ctx, img)
			switch {
			case err != nil:
				pins[i].err = err
			case res.Digest.Algorithm == "" || res.Digest.Hex == "":
				pins[i].err = fmt.Errorf("image %q: the registry reported no digest", img)
			default:
				pins[i].digest = res.Digest.String()
			}
		})
	}
	wg.Wait()
	for i, img := range images {
		out[img] = pins[i]
	}
	return out
}

// planPin returns the remedy of check id: every image it applies to,
// resolved, rewritten to name:tag@digest.
func planPin(id check.ID) func(w *inventory.Workload, f report.Finding, o Options) ([]change, []string) {
	return func(w *inventory.Workload, _ report.Finding, o Options) ([]change, []string) {
		var out []change
		var left []string
		for _, c := range w.Containers() {
			if _, digest, ok := strings.Cut(c.Image, "@"); ok && id == ImageNotPinned && !wellFormed(digest) {
				left = append(left, noun(c)+": image "+strconv.Quote(c.Image)+" names a digest that is not well formed; correct it by hand")
				continue
			}
			if !pinnable(id, c.Image) {
				continue
			}
			p, ok := o.pins[c.Image]
			if !ok || p.err != nil {
				continue // reported by pinGaps
			}
			to := pinned(c.Image, p.digest)
			out = append(out, change{op: op{base: c.Field("image"), replace: true, old: c.Image, leaf: scalar(to)},
				msg: noun(c) + ": image=" + to})
		}
		return out, left
	}
}

// pinGaps returns, for check id, the images of w that could not be
// resolved, each with the reason.
func pinGaps(id check.ID, w *inventory.Workload, o Options) []string {
	var out []string
	for _, c := range w.Containers() {
		if !pinnable(id, c.Image) {
			continue
		}
		p, ok := o.pins[c.Image]
		switch {
		case !ok:
			out = append(out, noun(c)+": image "+strconv.Quote(c.Image)+" left as written: it was not resolved")
		case p.err != nil:
			out = append(out, noun(c)+": image "+strconv.Quote(c.Image)+" left as written: "+p.err.Error())
		}
	}
	return out
}
