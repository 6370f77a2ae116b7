package webhook

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	imagepolicy "github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/resolve"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scan"
)

// ImageTimeout bounds the resolution of one image at admission (its
// digest, facts and signatures): the API server waits for the answer.
const ImageTimeout = 5 * time.Second

// imageCheck is the check that applies an image policy.
const imageCheck check.ID = "image-policy"

// imagePolicy is a webhook policy's image policy and the stage that
// resolves images for it, with its cache (shared by every request).
type imagePolicy struct {
	policy *imagepolicy.Policy
	stage  *resolve.Stage
}

// loadImagePolicy reads the image policy file (relative to the
// configuration file's directory).
func loadImagePolicy(cfg *config.Config, file string) (*imagePolicy, error) {
	if !filepath.IsAbs(file) && cfg.File != "" {
		file = filepath.Join(filepath.Dir(cfg.File), file)
	}
	p, err := imagepolicy.Load(file)
	if err != nil {
		return nil, fmt.Errorf("imagePolicy: %w", err)
	}
	st, err := resolve.New(resolve.Options{Policy: p, Timeout: ImageTimeout})
	if err != nil {
		return nil, err
	}
	return &imagePolicy{policy: p, stage: st}, nil
}

// judgeImages resolves the images of inv's workloads and judges them with
// the image-policy check: its findings, and an error for every image that
// could not be resolved (a denial in enforce, never a pass).
func (p *policy) judgeImages(ctx context.Context, obj *object.Object, inv *inventory.Inventory, around *inventory.Inventory, now time.Time) ([]report.Finding, []report.Error) {
	images := resolve.Images(inv)
	if len(images) == 0 {
		return nil, nil
	}
	im := &check.Images{Policy: p.images.policy, Resolved: true}
	var errs []report.Error
	for _, f := range p.images.stage.Resolve(ctx, images, im) {
		errs = append(errs, report.Error{Message: fmt.Sprintf("image %q could not be judged by the image policy: %v", f.Image, f.Err)})
	}
	opts := p.opts
	opts.Only = []check.ID{imageCheck}
	opts.Contextual = nil
	opts.Check = check.Options{Images: im}
	ev := scan.NewEvaluator(opts)
	if len(ev.Rules()) == 0 {
		// Disabled in the configuration or missing from the registry:
		// the image policy would judge nothing, which is no pass.
		return nil, append(errs, report.Error{Message: fmt.Sprintf("check %s, which applies the image policy, is not enabled", imageCheck)})
	}
	findings, cerrs := ev.Evaluate(ctx, obj, around, now)
	return findings, append(errs, cerrs...)
}
