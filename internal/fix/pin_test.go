package fix

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/imagetest"
)

func newResolver(t *testing.T) *image.Resolver {
	t.Helper()
	c, err := image.NewClient(image.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return image.NewResolver(c, image.ResolverOptions{})
}

// countingResolver counts the resolutions asked of it, by image.
type countingResolver struct {
	r  Resolver
	mu sync.Mutex
	n  map[string]int
}

func (c *countingResolver) Resolve(ctx context.Context, ref string) (image.Resolved, error) {
	c.mu.Lock()
	c.n[ref]++
	c.mu.Unlock()
	return c.r.Resolve(ctx, ref)
}

type pinRegistry struct {
	reg *imagetest.Registry
	// digests of the pushed images, by reference as pushed.
	digests map[string]v1.Hash
}

// startPins serves a registry holding app:v1, app:latest (other images),
// a multi-platform index at multi:2 and tool:latest.
func startPins(t *testing.T) *pinRegistry {
	t.Helper()
	p := &pinRegistry{reg: imagetest.Start(t), digests: map[string]v1.Hash{}}
	for _, ref := range []string{"app:v1", "app:latest", "tool:latest"} {
		p.digests[ref] = imagetest.Push(t, p.reg.Ref(ref, ""), imagetest.Image(t, imagetest.ImageOptions{}))
	}
	p.digests["multi:2"] = imagetest.Push(t, p.reg.Ref("multi:2", ""), imagetest.Index(t,
		v1.Platform{OS: "linux", Architecture: "amd64"}, v1.Platform{OS: "linux", Architecture: "arm64"}))
	return p
}

// ref is repo (with its tag, if any) in the registry; pin is it pinned to
// the digest pushed at tag.
func (p *pinRegistry) ref(repo string) string { return p.reg.Ref(repo, "") }
func (p *pinRegistry) pin(repo, tag string) string {
	return p.reg.Ref(repo, ":"+tag+"@"+p.digests[repo+":"+tag].String())
}

func TestPinDigests(t *testing.T) {
	p := startPins(t)
	pinnedApp := p.reg.Ref("app", "@"+p.digests["app:v1"].String())
	deploy := lines("apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: d", "  namespace: ns", "spec:",
		"  selector: {matchLabels: {app: d}}", "  template:", "    metadata: {labels: {app: d}}", "    spec:",
		"      initContainers:", "      - name: init", `        image: "`+p.ref("tool")+`" # quoted`,
		"      containers:", "      - name: app", "        image: "+p.ref("app:v1"),
		"      - name: side", "        image: '"+p.ref("app:latest")+"'",
		"      - name: multi", "        image: "+p.ref("multi:2"),
		"      - name: fixed", "        image: "+pinnedApp,
		"      ephemeralContainers:", "      - name: debug", "        image: "+p.ref("tool:latest"))
	want := lines("apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: d", "  namespace: ns", "spec:",
		"  selector: {matchLabels: {app: d}}", "  template:", "    metadata: {labels: {app: d}}", "    spec:",
		"      initContainers:", "      - name: init", `        image: "`+p.pin("tool", "latest")+`" # quoted`,
		"      containers:", "      - name: app", "        image: "+p.pin("app", "v1"),
		"      - name: side", "        image: '"+p.pin("app", "latest")+"'",
		"      - name: multi", "        image: "+p.pin("multi", "2"),
		"      - name: fixed", "        image: "+pinnedApp,
		"      ephemeralContainers:", "      - name: debug", "        image: "+p.pin("tool", "latest"))
	// A second document and a second file, with flow-style containers,
	// share images with the first.
	multi := lines("apiVersion: v1", "kind: Namespace", "metadata: {name: ns}", "---",
		"apiVersion: v1", "kind: Pod", "metadata: {name: p, namespace: ns}",
		"spec: {containers: [{name: a, image: "+p.ref("app:v1")+"}, {name: b, image: "+p.ref("tool")+"}]}")
	multiWant := lines("apiVersion: v1", "kind: Namespace", "metadata: {name: ns}", "---",
		"apiVersion: v1", "kind: Pod", "metadata: {name: p, namespace: ns}",
		"spec: {containers: [{name: a, image: "+p.pin("app", "v1")+"}, {name: b, image: "+p.pin("tool", "latest")+"}]}")

	files := []File{{Name: "deploy.yaml", Data: []byte(deploy)}, {Name: "multi.yaml", Data: []byte(multi)}}
	counter := &countingResolver{r: newResolver(t), n: map[string]int{}}
	results := Run(context.Background(), files, Options{Checks: pinChecks, PinDigests: true, Resolver: counter})
	for i, want := range []string{want, multiWant} {
		r := results[i]
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if len(r.Unresolved) > 0 {
			t.Errorf("%s: unresolved %+v", r.Name, r.Unresolved)
		}
		if diff := cmp.Diff(want, string(r.Data)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", r.Name, diff)
		}
	}
	checkFixed(t, files, results)
	// The digests are those the registry holds: the multi-platform image is
	// pinned to its index, which every node resolves the same way.
	for _, ref := range []string{"app:v1", "app:latest", "tool:latest", "multi:2"} {
		repo, tag, _ := strings.Cut(ref, ":")
		if !strings.Contains(string(results[0].Data), p.pin(repo, tag)) {
			t.Errorf("%s is not pinned to %s", ref, p.digests[ref])
		}
	}
	// Each distinct image is resolved once, however many containers and
	// files hold it.
	want4 := map[string]int{p.ref("tool"): 1, p.ref("app:v1"): 1, p.ref("app:latest"): 1, p.ref("multi:2"): 1, p.ref("tool:latest"): 1}
	if diff := cmp.Diff(want4, counter.n); diff != "" {
		t.Errorf("resolutions (-want +got):\n%s", diff)
	}
	if len(results[0].Left) > 0 {
		t.Errorf("left: %+v", results[0].Left)
	}
	if got := results[0].Changes; len(got) != 5 || got[0].Message == "" || !strings.Contains(got[0].Message, "image="+p.reg.Host) {
		t.Errorf("changes: %+v", got)
	}
}

func TestPinDigestsOnlyWhenAsked(t *testing.T) {
	p := startPins(t)
	in := pod("  containers:", "  - name: app", "    image: "+p.ref("app:latest"))
	counter := &countingResolver{r: newResolver(t), n: map[string]int{}}
	r := Run(context.Background(), []File{{Name: "in.yaml", Data: []byte(in)}}, Options{Checks: []check.ID{ImageNotPinned, ImageLatestTag}, Resolver: counter})[0]
	if r.Err != nil || r.Changed() || len(counter.n) > 0 {
		t.Errorf("without PinDigests: err %v, changes %+v, resolutions %v", r.Err, r.Changes, counter.n)
	}
	if string(r.Data) != in {
		t.Error("the file changed")
	}
}

func TestPinLatestTagOnly(t *testing.T) {
	p := startPins(t)
	in := pod("  containers:", "  - name: app", "    image: "+p.ref("app:v1"), "  - name: tool", "    image: "+p.ref("tool"))
	want := pod("  containers:", "  - name: app", "    image: "+p.ref("app:v1"), "  - name: tool", "    image: "+p.pin("tool", "latest"))
	files := []File{{Name: "in.yaml", Data: []byte(in)}}
	results := Run(context.Background(), files, Options{Checks: []check.ID{ImageLatestTag}, PinDigests: true, Resolver: newResolver(t)})
	if results[0].Err != nil {
		t.Fatal(results[0].Err)
	}
	if diff := cmp.Diff(want, string(results[0].Data)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	checkFixed(t, files, results)
}

func TestPinUnresolved(t *testing.T) {
	p := startPins(t)
	gone := imagetest.Start(t)
	gone.Close()
	in := pod("  containers:",
		"  - name: app", "    image: "+p.ref("app:v1"),
		"  - name: missing", "    image: "+p.ref("nothing:v1"),
		"  - name: down", "    image: "+gone.Ref("app", ":v1"),
		"  - name: bad", "    image: "+p.ref("app")+"@sha256:abc")
	want := pod("  containers:",
		"  - name: app", "    image: "+p.pin("app", "v1"),
		"  - name: missing", "    image: "+p.ref("nothing:v1"),
		"  - name: down", "    image: "+gone.Ref("app", ":v1"),
		"  - name: bad", "    image: "+p.ref("app")+"@sha256:abc")
	files := []File{{Name: "in.yaml", Data: []byte(in)}}
	results := Run(context.Background(), files, Options{Checks: pinChecks, PinDigests: true, Resolver: newResolver(t)})
	r := results[0]
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if diff := cmp.Diff(want, string(r.Data)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	checkFixed(t, files, results)
	// The images that did not resolve are reported, each once, naming the
	// image and its registry.
	var msgs []string
	for _, u := range r.Unresolved {
		msgs = append(msgs, u.Message)
	}
	if len(msgs) != 2 {
		t.Fatalf("unresolved: %q, want 2", msgs)
	}
	for i, want := range []string{
		`container "missing": image "` + p.ref("nothing:v1") + `" left as written: image "` + p.ref("nothing:v1") + `": registry ` + p.reg.Host + ` has no `,
		`container "down": image "` + gone.Ref("app", ":v1") + `" left as written: image "` + gone.Ref("app", ":v1") + `": registry ` + gone.Host + ` is unreachable`,
	} {
		if !strings.HasPrefix(msgs[i], want) {
			t.Errorf("unresolved[%d] = %q, want it to start with %q", i, msgs[i], want)
		}
	}
	if !leftContains(r.Left, `container "bad": image "`+p.ref("app")+`@sha256:abc" names a digest that is not well formed`) {
		t.Errorf("left: %+v", r.Left)
	}
}

var pinChecks = []check.ID{ImageNotPinned, ImageLatestTag}
