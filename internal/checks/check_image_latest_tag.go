package checks

// An image on the "latest" tag, or on no tag (which means "latest"), is
// whatever was pushed last. A push to the registry, by the owner or by an
// attacker who holds push rights, changes what runs at the next pull,
// without any change to the manifest that anyone reviews.
//
// Inspected fields:
//   spec.containers[*].image
//   spec.initContainers[*].image
//   spec.ephemeralContainers[*].image
// Allowed values: a reference with a digest (@sha256:...), or with a tag
// other than "latest". A ':' before the last '/' is a registry port, not a
// tag (localhost:5000/app has no tag).

import (
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perContainer(check.Meta{
		ID:          "image-latest-tag",
		Title:       "Image on the latest tag",
		Category:    check.Tampering,
		Severity:    check.Medium,
		Description: "The container image uses the latest tag, or no tag, which means latest. What runs changes whenever someone pushes to the tag, without any change to the reviewed manifest, and a rollback cannot return to the previous image.",
		Remediation: "Set the image to a fixed version tag, or better, pin it by digest (image@sha256:...).",
		References: []string{
			"https://kubernetes.io/docs/concepts/containers/images/#image-names",
			"https://kubernetes.io/docs/concepts/containers/images/#updating-images",
		},
	}, func(w *inventory.Workload, c inventory.Container) []check.Finding {
		if c.Image == "" {
			return nil
		}
		ref := parseImageRef(c.Image)
		if ref.Digest != "" {
			return nil
		}
		var detail string
		switch ref.Tag {
		case "":
			detail = containerNoun(c) + " must set image " + strconv.Quote(c.Image) + ` to a fixed tag or digest (no tag means "latest")`
		case "latest":
			detail = containerNoun(c) + " must set image " + strconv.Quote(c.Image) + ` to a fixed tag or digest, not "latest"`
		default:
			return nil
		}
		return []check.Finding{{
			Path:   c.Field("image"),
			Reason: "latest image tags",
			Detail: detail,
		}}
	}))
}
