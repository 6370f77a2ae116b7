package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/resolve"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/scan"
)

// imageStage is scan's image loader stage: with --resolve-images, the
// images of each object are resolved (facts, signatures) before the checks
// see it, and those that could not be are the scan's errors.
type imageStage struct {
	images    *check.Images
	stage     *resolve.Stage // nil without --resolve-images
	templates *inventory.PodTemplates

	mu    sync.Mutex
	fails map[string]error
}

// newImageStage loads the image policy of --image-policy or the
// configuration; nil when neither names one.
func newImageStage(o *ScanOptions, cfg *config.Config) (*imageStage, error) {
	file := o.ImagePolicy
	if file == "" {
		file = cfg.ImagePolicyPath()
	}
	if file == "" {
		if o.ResolveImages {
			return nil, usagef("--resolve-images needs an image policy (--image-policy FILE, or imagePolicy in the configuration)")
		}
		return nil, nil
	}
	p, err := policy.Load(file)
	if err != nil {
		return nil, usageError{fmt.Errorf("--image-policy: %w", err)}
	}
	st := &imageStage{images: &check.Images{Policy: p, Resolved: o.ResolveImages}, templates: cfg.Templates(), fails: map[string]error{}}
	if o.ResolveImages {
		if st.stage, err = resolve.New(resolve.Options{Policy: p, Timeout: o.ResolveTimeout}); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// wrap resolves the images of each object before local runs on it.
func (st *imageStage) wrap(ctx context.Context, local func(*object.Object) *scan.Local) func(*object.Object) *scan.Local {
	if st == nil || st.stage == nil {
		return local
	}
	return func(obj *object.Object) *scan.Local {
		inv := inventory.NewWith(st.templates)
		inv.Add(obj)
		for _, f := range st.stage.Resolve(ctx, resolve.Images(inv), st.images) {
			st.mu.Lock()
			st.fails[f.Image] = f.Err
			st.mu.Unlock()
		}
		return local(obj)
	}
}

// errors are the images that could not be resolved, one error each,
// sorted: coverage gaps, which make the exit code 2.
func (st *imageStage) errors() []object.Error {
	if st == nil {
		return nil
	}
	var out []object.Error
	for _, img := range slices.Sorted(maps.Keys(st.fails)) {
		out = append(out, object.Error{Message: fmt.Sprintf("image %q could not be resolved, and the image policy's signature and base-image rules were not evaluated for it: %v", img, st.fails[img])})
	}
	return out
}

// defaultResolveTimeout is --resolve-timeout's default.
const defaultResolveTimeout = resolve.DefaultTimeout
