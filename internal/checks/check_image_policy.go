package checks

// An image that runs in the cluster should be one the delivery pipeline
// vouches for: pulled from an approved repository, named by digest, signed
// by a key or identity the organisation trusts, and built on an approved
// base image. The image policy (kubestride.io/v1alpha1 ImagePolicy, the
// file kubestride image gate reads) says which; this check applies it to
// every container image a workload runs.
//
// Inspected fields:
//   spec.containers[*].image
//   spec.initContainers[*].image
//   spec.ephemeralContainers[*].image
// of every workload kind and pod template. The reference alone decides the
// repositories and requireDigest rules; signatures and baseImages are
// judged from what the registry says of the image, when images are
// resolved (scan --resolve-images, the webhook). An image that could not be
// resolved is an error of the scan (exit code 2), never a pass. The
// vulnerability rule needs a vulnerability report and is the gate's alone.

import (
	"fmt"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	imagepolicy "github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	meta := check.Meta{
		ID:       "image-policy",
		Title:    "Image refused by the image policy",
		Category: check.Tampering,
		Severity: check.High,
		Description: "The container image breaks the image policy: it is not from an approved repository, not referenced by digest, " +
			"not signed by a trusted key or identity, or not built on an approved base image (the last two when images are resolved " +
			"through their registries with --resolve-images, and always at admission). The policy's vulnerability rule needs a " +
			"vulnerability report and is applied by kubestride image gate, not by this check.",
		Remediation: "Run only images the release pipeline has approved: from an approved repository, by digest, signed and built on an approved base image.",
		References: []string{
			"https://kubernetes.io/docs/concepts/containers/images/",
			"https://docs.sigstore.dev/cosign/verifying/verify/",
			"https://github.com/opencontainers/image-spec/blob/main/annotations.md",
		},
		Topic: check.TopicImage,
	}
	check.Register(perWorkload(meta, func(w *inventory.Workload, opts check.Options) []check.Finding {
		im := opts.Images
		if im == nil || im.Policy == nil {
			return nil
		}
		var out []check.Finding
		for _, c := range w.Containers() {
			if c.Image == "" {
				continue
			}
			for _, r := range judgeImage(im, c.Image, opts.Now) {
				out = append(out, check.Finding{
					Object: w.Object,
					Path:   c.Field("image"),
					Reason: imagePolicyReasons[r.Rule],
					Detail: containerNoun(c) + " " + r.Message,
				})
			}
		}
		return out
	}))
}

// imagePolicyReasons are the findings' reasons by the policy's rule.
var imagePolicyReasons = map[string]string{
	"reference":  "invalid image references",
	"repository": "images from unapproved repositories",
	"digest":     "images not referenced by digest",
	"signature":  "images without a verified signature",
	"base-image": "images on unapproved base images",
}

// judgeImage returns the policy's reasons to refuse image, and the rules
// it could not evaluate. Only the rules the scan can judge apply: the
// vulnerability rule never, the signature and base-image rules only when
// the image was resolved.
func judgeImage(im *check.Images, image string, now time.Time) []imagepolicy.Reason {
	p := *im.Policy
	p.Vulnerabilities = nil
	img := imagepolicy.Image{Reference: image}
	var sigs imagepolicy.Signatures
	r, ok := im.Get(image)
	if im.Resolved && ok && r.Err == nil {
		img, sigs = r.Image, r.Signatures
		img.Reference = image
	} else {
		// Not resolved: the loader stage reports why when it tried.
		p.Signatures, p.BaseImages = nil, imagepolicy.BaseImages{}
	}
	d := p.Evaluate(img, sigs, nil, now)
	out := d.Reasons
	for _, g := range d.NotEvaluated {
		out = append(out, imagepolicy.Reason{Rule: g.Rule, Message: fmt.Sprintf("could not be judged: %s", g.Message)})
	}
	return out
}
