package imagetest

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestPushAndResolve: what is pushed resolves by tag to its digest, with
// its annotations and history; an index keeps its platforms; a closed
// registry does not answer.
func TestPushAndResolve(t *testing.T) {
	r := Start(t)
	img := Image(t, ImageOptions{
		Layers:      2,
		Annotations: map[string]string{"org.opencontainers.image.base.name": "docker.io/library/alpine:3.20"},
		History:     []string{"ADD rootfs.tar / # buildkit", "RUN apk add curl"},
	})
	d := Push(t, r.Ref("team/app", ":v1"), img)
	desc, err := remote.Get(ref(t, r.Ref("team/app", ":v1")))
	if err != nil {
		t.Fatal(err)
	}
	if desc.Digest != d {
		t.Errorf("tag resolves to %s, pushed %s", desc.Digest, d)
	}
	got, err := desc.Image()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := got.Manifest()
	cf, _ := got.ConfigFile()
	if m.Annotations["org.opencontainers.image.base.name"] != "docker.io/library/alpine:3.20" || len(cf.History) != 2 || len(m.Layers) != 2 {
		t.Errorf("pulled image lost its annotations, history or layers: %+v %+v", m.Annotations, cf.History)
	}

	idx := Index(t, v1.Platform{OS: "linux", Architecture: "amd64"}, v1.Platform{OS: "linux", Architecture: "arm64"})
	Push(t, r.Ref("team/multi", ":v1"), idx)
	desc, err = remote.Get(ref(t, r.Ref("team/multi", ":v1")))
	if err != nil {
		t.Fatal(err)
	}
	ii, err := desc.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, _ := ii.IndexManifest()
	if len(im.Manifests) != 2 || im.Manifests[1].Platform.Architecture != "arm64" {
		t.Errorf("index manifests: %+v", im.Manifests)
	}

	r.Close()
	if _, err := remote.Get(ref(t, r.Ref("team/app", ":v1"))); err == nil {
		t.Error("a closed registry still answers")
	}
}

func ref(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
