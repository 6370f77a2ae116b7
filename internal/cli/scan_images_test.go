package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/image/imagetest"
	"github.com/kubestride/kubestride/internal/image/sign/cosigntest"
	"github.com/kubestride/kubestride/internal/report"
)

// TestScanImagePolicy runs scan --image-policy on manifests, without and
// with --resolve-images, against a registry on loopback holding an image
// the real cosign signed and one it did not; a closed registry is an error
// naming the image and the registry (exit 2), never a pass.
func TestScanImagePolicy(t *testing.T) {
	cosign := cosigntest.New(t)
	reg := imagetest.Start(t)
	key, pub := cosign.KeyPair()
	signed := reg.Ref("team/app", ":v1")
	d := imagetest.Push(t, signed, imagetest.Image(t, imagetest.ImageOptions{}))
	cosign.Sign(key, reg.Ref("team/app", "@"+d.String()))
	unsigned := reg.Ref("team/unsigned", ":v1")
	imagetest.Push(t, unsigned, imagetest.Image(t, imagetest.ImageOptions{}))
	closed := imagetest.Start(t)
	closedRef := closed.Ref("team/gone", ":v1")
	closed.Close()

	dir := t.TempDir()
	pol := filepath.Join(dir, "images.yaml")
	write(t, pol, `apiVersion: kubestride.io/v1alpha1
kind: ImagePolicy
repositories: ["`+reg.Host+`/team/*", "`+closed.Host+`/team/*"]
signatures:
  - repositories: ["`+reg.Host+`/team/*"]
    keys: [{file: `+pub+`}]
`)
	pod := func(images ...string) string {
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers:\n")
		for i, img := range images {
			b.WriteString("  - {name: c" + string(rune('0'+i)) + ", image: \"" + img + "\"}\n")
		}
		return b.String()
	}
	manifests := filepath.Join(dir, "pod.yaml")
	write(t, manifests, pod(signed, unsigned, "127.0.0.1:1/other/tool:1"))
	cfgFile := filepath.Join(dir, "kubestride.yaml")
	write(t, cfgFile, "imagePolicy: images.yaml\n")
	closedManifest := filepath.Join(dir, "closed.yaml")
	write(t, closedManifest, pod(closedRef))

	messages := func(t *testing.T, out string) []string {
		var got []string
		for _, f := range decodeReport(t, out).Findings {
			if f.ID == "image-policy" {
				got = append(got, f.Field+": "+f.Message)
			}
		}
		return got
	}
	other := `spec.containers[2].image: container "c2" image "127.0.0.1:1/other/tool:1" is not from an approved repository (` + reg.Host + `/team/*, ` + closed.Host + `/team/*)`

	t.Run("reference rules only", func(t *testing.T) {
		out, _, code := run(t, "", "scan", manifests, "--image-policy", pol, "--check", "image-policy", "-f", "json")
		got := messages(t, out)
		if code != report.ExitFindings || len(got) != 1 || got[0] != other {
			t.Errorf("exit %d, findings:\n%s", code, strings.Join(got, "\n"))
		}
	})
	t.Run("resolved, policy from the configuration", func(t *testing.T) {
		out, stderr, code := run(t, "", "scan", manifests, "--config", cfgFile, "--resolve-images", "--check", "image-policy", "-f", "json")
		got := messages(t, out)
		want := `spec.containers[1].image: container "c1" image "` + reg.Ref("team/unsigned", "@") + ``
		if code != report.ExitError || len(got) != 2 || !strings.HasPrefix(got[0], want) || !strings.Contains(got[0], "has no verified signature") || got[1] != other {
			t.Errorf("exit %d, findings:\n%s\nstderr: %s", code, strings.Join(got, "\n"), stderr)
		}
		// Nothing answers on 127.0.0.1:1: an error of the scan, not a pass.
		if errs := decodeReport(t, out).Errors; len(errs) != 1 || !strings.Contains(errs[0].Message, `image "127.0.0.1:1/other/tool:1" could not be resolved`) {
			t.Errorf("errors: %+v", errs)
		}
	})
	t.Run("closed registry", func(t *testing.T) {
		out, stderr, code := run(t, "", "scan", closedManifest, "--image-policy", pol, "--resolve-images", "--resolve-timeout", "3s", "--check", "image-policy", "-f", "json")
		errs := decodeReport(t, out).Errors
		if code != report.ExitError || len(errs) != 1 || !strings.Contains(errs[0].Message, closedRef) || !strings.Contains(errs[0].Message, "registry "+closed.Host) {
			t.Errorf("exit %d, errors %+v", code, errs)
		}
		if !strings.Contains(stderr, closedRef) {
			t.Errorf("stderr does not name the image: %s", stderr)
		}
	})
	t.Run("usage", func(t *testing.T) {
		if _, stderr, code := run(t, "", "scan", manifests, "--resolve-images"); code != report.ExitError || !strings.Contains(stderr, "--resolve-images needs an image policy") {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
