// Package image reaches container registries for the image pipeline: it
// parses image references as the kubelet and containerd normalise them,
// resolves tags to digests (for single images, for indexes and per
// platform), reads the facts an image policy judges (media type,
// platforms, base-image annotations, config history), and copies an
// image by digest, with its signatures, attestations and referrers, for
// promotion and quarantine.
//
// Credentials come from the Docker config file and its credential helpers,
// as crane and cosign read them. Every failure to reach an image is an
// *Error naming the image and the registry, whose kind (ErrUnreachable,
// ErrNotFound, ErrAuth) callers test with errors.Is and report as a
// coverage gap, never as a pass.
package image
