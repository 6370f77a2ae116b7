package checks

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wlDigest is a well-formed sha256 digest.
var wlDigest = "sha256:" + strings.Repeat("0123456789abcdef", 4)

func TestParseImageRef(t *testing.T) {
	tests := []struct {
		in         string
		want       imageRef
		wantPinned bool
	}{
		{"nginx", imageRef{Name: "nginx"}, false},
		{"nginx:1.25", imageRef{Name: "nginx", Tag: "1.25"}, false},
		{"library/nginx:latest", imageRef{Name: "library/nginx", Tag: "latest"}, false},
		{"localhost:5000/app", imageRef{Name: "localhost:5000/app"}, false},
		{"localhost:5000/app:2.0", imageRef{Name: "localhost:5000/app", Tag: "2.0"}, false},
		{"registry.example.com:443/team/app/api:v1.2.3", imageRef{Name: "registry.example.com:443/team/app/api", Tag: "v1.2.3"}, false},
		{"nginx@" + wlDigest, imageRef{Name: "nginx", Digest: wlDigest}, true},
		{"localhost:5000/app:2.0@" + wlDigest, imageRef{Name: "localhost:5000/app", Tag: "2.0", Digest: wlDigest}, true},
		{"app@sha512:" + strings.Repeat("ab", 64), imageRef{Name: "app", Digest: "sha512:" + strings.Repeat("ab", 64)}, true},
		{"app@sha256:abc", imageRef{Name: "app", Digest: "sha256:abc"}, false},
		{"app@sha256:" + strings.ToUpper(strings.Repeat("0123456789abcdef", 4)), imageRef{Name: "app", Digest: "sha256:" + strings.ToUpper(strings.Repeat("0123456789abcdef", 4))}, false},
		{"app@md5:" + strings.Repeat("ab", 32), imageRef{Name: "app", Digest: "md5:" + strings.Repeat("ab", 32)}, false},
		{"app@" + strings.Repeat("ab", 32), imageRef{Name: "app", Digest: strings.Repeat("ab", 32)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := parseImageRef(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseImageRef(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			if p := got.pinned(); p != tc.wantPinned {
				t.Errorf("parseImageRef(%q).pinned() = %v, want %v", tc.in, p, tc.wantPinned)
			}
		})
	}
}
