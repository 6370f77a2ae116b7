package image

import "testing"

const dgst = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// TestParseRef: references normalise as containerd's ParseDockerRef
// normalises them (docker.io, library/, latest; the digest wins over the
// tag).
func TestParseRef(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ref      Ref
	}{
		{"nginx", "docker.io/library/nginx:latest", Ref{"docker.io", "library/nginx", "latest", ""}},
		{"nginx:1.27", "docker.io/library/nginx:1.27", Ref{"docker.io", "library/nginx", "1.27", ""}},
		{"docker.io/nginx", "docker.io/library/nginx:latest", Ref{"docker.io", "library/nginx", "latest", ""}},
		{"index.docker.io/library/nginx:1", "docker.io/library/nginx:1", Ref{"docker.io", "library/nginx", "1", ""}},
		{"bitnami/redis:7", "docker.io/bitnami/redis:7", Ref{"docker.io", "bitnami/redis", "7", ""}},
		{"ghcr.io/org/team/app:v1", "ghcr.io/org/team/app:v1", Ref{"ghcr.io", "org/team/app", "v1", ""}},
		{"localhost:5000/app", "localhost:5000/app:latest", Ref{"localhost:5000", "app", "latest", ""}},
		{"localhost/app", "localhost/app:latest", Ref{"localhost", "app", "latest", ""}},
		{"registry.k8s.io/pause:3.10@" + dgst, "registry.k8s.io/pause@" + dgst, Ref{"registry.k8s.io", "pause", "3.10", dgst}},
		{"app@" + dgst, "docker.io/library/app@" + dgst, Ref{"docker.io", "library/app", "", dgst}},
		{"127.0.0.1:5000/team/app@" + dgst, "127.0.0.1:5000/team/app@" + dgst, Ref{"127.0.0.1:5000", "team/app", "", dgst}},
		{"127.0.0.1:5000/team/app:v2@" + dgst, "127.0.0.1:5000/team/app@" + dgst, Ref{"127.0.0.1:5000", "team/app", "v2", dgst}},
	} {
		got, err := ParseRef(tc.in)
		if err != nil {
			t.Errorf("ParseRef(%q): %v", tc.in, err)
			continue
		}
		if got != tc.ref || got.String() != tc.want {
			t.Errorf("ParseRef(%q) = %+v (%s), want %+v (%s)", tc.in, got, got, tc.ref, tc.want)
		}
		if r, err := got.reference(); err != nil || r.Context().RepositoryStr() != tc.ref.Repository {
			t.Errorf("ParseRef(%q).reference() = %v, %v", tc.in, r, err)
		}
	}
	if r, err := (Ref{Registry: "ghcr.io", Repository: "org/app"}).reference(); err != nil || r.String() != "ghcr.io/org/app:latest" {
		t.Errorf("a Ref without tag or digest is %v, %v; want ghcr.io/org/app:latest", r, err)
	}
	for in, want := range map[string]string{
		"Nginx":            `invalid image reference "Nginx": repository can only contain the characters ` + "`abcdefghijklmnopqrstuvwxyz0123456789_-./`" + `: Nginx`,
		"nginx@sha256:abc": `invalid image reference "nginx@sha256:abc": invalid checksum digest length: sha256:abc`,
		"":                 `invalid image reference "": a repository name must be specified`,
		"app:":             `invalid image reference "app:": app: must specify a tag name after the colon`,
	} {
		if _, err := ParseRef(in); err == nil || err.Error() != want {
			t.Errorf("ParseRef(%q) = %v, want %s", in, err, want)
		}
	}
}
