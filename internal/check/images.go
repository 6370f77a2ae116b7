package check

import (
	"sync"

	"github.com/kubestride/kubestride/internal/image/policy"
)

// Images is the image policy a scan or an admission applies to every
// container image, with what a loader stage learned of the images from
// their registries (package internal/image/resolve). Checks read it; they
// never reach a registry themselves.
type Images struct {
	// Policy is the image policy.
	Policy *policy.Policy
	// Resolved is true when images were resolved through their registries
	// (scan --resolve-images, or the webhook): the rules that need the
	// registry (signatures, base images) are then evaluated for every image
	// resolved. When false they are not, and only the rules the reference
	// alone decides (approved repositories, digest required) are.
	Resolved bool

	m sync.Map // image as written -> ResolvedImage
}

// ResolvedImage is what the registry says of one image reference.
type ResolvedImage struct {
	// Image is the image as the policy judges it: the reference as written,
	// its digest, platforms and base.
	Image policy.Image
	// Signatures are its signatures, verified with the policy's keys and
	// identities.
	Signatures policy.Signatures
	// Err, when set, says why the image could not be resolved (an
	// unreachable registry, a refusal, no such image, a timeout). The loader
	// stage reports it as an error of the scan; a check judges such an image
	// only by the rules its reference decides.
	Err error
}

// Set records what was resolved of image (the reference as written in the
// pod spec). It is safe for concurrent use.
func (im *Images) Set(image string, r ResolvedImage) { im.m.Store(image, r) }

// Get returns what was resolved of image, and whether it was resolved at
// all.
func (im *Images) Get(image string) (ResolvedImage, bool) {
	v, ok := im.m.Load(image)
	if !ok {
		return ResolvedImage{}, false
	}
	return v.(ResolvedImage), true
}
