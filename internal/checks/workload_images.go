package checks

import "strings"

// imageRef is a container image reference split into its parts, as in
// registry.example.com:5000/team/app:1.4@sha256:<hex>.
type imageRef struct {
	// Name is the registry host (with its port) and the repository.
	Name string
	// Tag is what follows the last ':' of the last path component; empty
	// when there is none.
	Tag string
	// Digest is what follows '@', as in sha256:<hex>; empty when there is
	// none.
	Digest string
}

// parseImageRef splits an image reference. A ':' before the last '/' belongs
// to the registry host (localhost:5000/app has no tag).
func parseImageRef(s string) imageRef {
	var r imageRef
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s, r.Digest = s[:i], s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i > strings.LastIndexByte(s, '/') {
		s, r.Tag = s[:i], s[i+1:]
	}
	r.Name = s
	return r
}

// pinned reports whether the reference names its image by a well-formed
// digest: sha256 with 64 or sha512 with 128 lowercase hex digits.
func (r imageRef) pinned() bool {
	alg, hex, ok := strings.Cut(r.Digest, ":")
	if !ok {
		return false
	}
	switch {
	case alg == "sha256" && len(hex) == 64, alg == "sha512" && len(hex) == 128:
	default:
		return false
	}
	for i := 0; i < len(hex); i++ {
		if c := hex[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
