package image

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/kubestride/kubestride/internal/image/imagetest"
)

// TestFacts: an image's base annotations, platform and history; an index's
// own annotations and each entry's facts; history alone where no
// annotation names the base.
func TestFacts(t *testing.T) {
	reg := imagetest.Start(t)
	base := map[string]string{AnnotationBaseName: "docker.io/library/alpine:3.20", AnnotationBaseDigest: dgst}
	annotated := imagetest.Image(t, imagetest.ImageOptions{Annotations: base, History: []string{"ADD rootfs.tar /", "RUN apk add curl"}})
	d := imagetest.Push(t, reg.Ref("team/app", ":v1"), annotated)
	bare := imagetest.Image(t, imagetest.ImageOptions{History: []string{"/bin/sh -c #(nop) ADD file:0a1b in /", "COPY app /app"}, Platform: &arm64})
	bareDigest, _ := bare.Digest()
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	idx = mutate.AppendManifests(idx,
		mutate.IndexAddendum{Add: annotated, Descriptor: v1.Descriptor{Platform: &amd64}},
		mutate.IndexAddendum{Add: bare, Descriptor: v1.Descriptor{Platform: &arm64}})
	idx = mutate.Annotations(idx, map[string]string{AnnotationBaseName: "docker.io/library/alpine:3.20"}).(v1.ImageIndex)
	idxDigest := imagetest.Push(t, reg.Ref("team/multi", ":v1"), idx)

	c := client(t, nil, 5*time.Second)
	history := func(by ...string) []v1.History {
		var h []v1.History
		for i, b := range by {
			h = append(h, v1.History{Created: v1.Time{Time: time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC)}, CreatedBy: b})
		}
		return h
	}
	appFacts := Facts{
		Ref: mustRef(t, reg.Ref("team/app", ":v1@"+d.String())), Digest: d, MediaType: types.OCIManifestSchema1,
		Platform: &amd64, Annotations: base, BaseName: "docker.io/library/alpine:3.20", BaseDigest: dgst,
		History: history("ADD rootfs.tar /", "RUN apk add curl"),
	}
	got, err := c.Facts(context.Background(), mustRef(t, reg.Ref("team/app", ":v1")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(appFacts, got); diff != "" {
		t.Errorf("image facts (-want +got):\n%s", diff)
	}

	got, err = c.Facts(context.Background(), mustRef(t, reg.Ref("team/multi", ":v1")))
	if err != nil {
		t.Fatal(err)
	}
	entry := appFacts
	entry.Ref = mustRef(t, reg.Ref("team/multi", ":v1@"+d.String()))
	want := Facts{
		Ref: mustRef(t, reg.Ref("team/multi", ":v1@"+idxDigest.String())), Digest: idxDigest, MediaType: types.OCIImageIndex,
		Annotations: map[string]string{AnnotationBaseName: "docker.io/library/alpine:3.20"}, BaseName: "docker.io/library/alpine:3.20",
		Manifests: []Facts{entry, {
			Ref: mustRef(t, reg.Ref("team/multi", ":v1@"+bareDigest.String())), Digest: bareDigest, MediaType: types.OCIManifestSchema1,
			Platform: &arm64, History: history("/bin/sh -c #(nop) ADD file:0a1b in /", "COPY app /app"),
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("index facts (-want +got):\n%s", diff)
	}

	_, err = c.Facts(context.Background(), mustRef(t, reg.Ref("team/app", ":v9")))
	if want := `image "` + reg.Host + `/team/app:v9": registry ` + reg.Host + ` has no tag "v9" in repository "team/app"`; err == nil || err.Error() != want || !errors.Is(err, ErrNotFound) {
		t.Errorf("missing tag: %v, want %s", err, want)
	}
}
