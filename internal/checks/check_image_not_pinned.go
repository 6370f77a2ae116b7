package checks

// A tag is a movable pointer: whoever can push to the repository can make
// it point at another image. Only a digest names one exact image, so only a
// digest guarantees that what runs is what was built, scanned and signed.
//
// Inspected fields:
//   spec.containers[*].image
//   spec.initContainers[*].image
//   spec.ephemeralContainers[*].image
// Allowed values: a reference with a well-formed digest, @sha256:<64 hex
// digits> (or @sha512:<128 hex digits>), with or without a tag.

import (
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perContainer(check.Meta{
		ID:          "image-not-pinned",
		Title:       "Image not pinned by digest",
		Category:    check.Tampering,
		Severity:    check.Low,
		Description: "The container image is referenced by tag, not by digest. Anyone able to push to the repository can change what the tag points to, and the cluster will run the new image at the next pull.",
		Remediation: "Reference the image by digest (registry/repository@sha256:<digest>), for example by having the release pipeline resolve tags to digests.",
		References: []string{
			"https://kubernetes.io/docs/concepts/containers/images/#image-names",
			"https://kubernetes.io/docs/concepts/containers/images/#updating-images",
		},
	}, func(w *inventory.Workload, c inventory.Container) []check.Finding {
		if c.Image == "" || parseImageRef(c.Image).pinned() {
			return nil
		}
		return []check.Finding{{
			Path:   c.Field("image"),
			Reason: "images not pinned by digest",
			Detail: containerNoun(c) + " must pin image " + strconv.Quote(c.Image) + " by digest (@sha256:<digest>)",
		}}
	}))
}
