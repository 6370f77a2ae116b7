package admission

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/kubestride/kubestride/internal/image/imagetest"
	"github.com/kubestride/kubestride/internal/image/sign/cosigntest"
)

// TestImagePolicy registers the webhook with a policy whose image policy
// requires signatures by a cosign key, on the real API server: kubectl
// apply of a pod whose image the real cosign CLI signed (offline, no
// transparency log) in a registry on loopback is admitted; one whose image
// is unsigned is denied with the reason; one on a registry that does not
// answer is denied as not judged, never admitted; in a warn namespace the
// unsigned image is admitted with a warning.
func TestImagePolicy(t *testing.T) {
	grantUsers(t)
	cosign := cosigntest.New(t)
	reg := imagetest.Start(t)
	key, pub := cosign.KeyPair()
	signed := reg.Ref("team/app", ":v1")
	d := imagetest.Push(t, signed, imagetest.Image(t, imagetest.ImageOptions{}))
	cosign.Sign(key, reg.Ref("team/app", "@"+d.String()))
	unsigned := reg.Ref("team/unsigned", ":v1")
	ud := imagetest.Push(t, unsigned, imagetest.Image(t, imagetest.ImageOptions{}))

	pol := filepath.Join(t.TempDir(), "images.yaml")
	if err := os.WriteFile(pol, []byte(`apiVersion: kubestride.io/v1alpha1
kind: ImagePolicy
signatures:
  - repositories: ["`+reg.Host+`/team/*", "127.0.0.1:1/**"]
    keys: [{file: `+pub+`}]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	const id = "images"
	namespace(t, "adm-img-plain", id, nil)
	namespace(t, "adm-img", id, map[string]string{"kubestride.io/enforce": "signed"})
	namespace(t, "adm-img-warn", id, map[string]string{"kubestride.io/warn": "signed"})
	h := startWebhook(t, `webhook:
  defaults: {enforce: baseline}
  policies:
  - name: signed
    level: baseline
    imagePolicy: `+pol+`
`)
	h.register(t, id, admissionregistrationv1.Fail, "adm-img-plain")

	pod := func(name, image string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + "}\nspec:\n  containers:\n  - {name: app, image: \"" + image + "\"}\n"
	}
	// Signed: admitted.
	kubectl(t, userPlain, pod("signed", signed), false, "apply", "-n", "adm-img", "-f", "-")
	if !exists(t, "Pod", "adm-img", "signed") {
		t.Error("the pod with the signed image was not created")
	}
	// Unsigned: denied, with the reason.
	_, errOut := kubectl(t, userPlain, pod("unsigned", unsigned), true, "apply", "-n", "adm-img", "-f", "-")
	for _, want := range []string{
		`admission webhook "` + hookName(id) + `" denied the request`,
		`violates kubestride policy "signed:latest": images without a verified signature (container "app" image "` + reg.Ref("team/unsigned", "@"+ud.String()) + `" has no verified signature`,
		"no signature found",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("denial does not say %q:\n%s", want, errOut)
		}
	}
	if exists(t, "Pod", "adm-img", "unsigned") {
		t.Error("the pod with the unsigned image was created")
	}
	// A registry that does not answer: the image could not be judged,
	// which is a denial, naming the image and the registry.
	_, errOut = kubectl(t, userPlain, pod("gone", "127.0.0.1:1/team/app:v1"), true, "apply", "-n", "adm-img", "-f", "-")
	if !strings.Contains(errOut, `image "127.0.0.1:1/team/app:v1" could not be judged by the image policy`) || !strings.Contains(errOut, "registry 127.0.0.1:1") {
		t.Errorf("denial of an unreachable image:\n%s", errOut)
	}
	// Warn: admitted, with the reason as a warning.
	_, errOut = kubectl(t, userPlain, pod("unsigned", unsigned), false, "apply", "-n", "adm-img-warn", "-f", "-")
	if !strings.Contains(errOut, `would violate kubestride policy "signed:latest": images without a verified signature`) {
		t.Errorf("no warning for the unsigned image:\n%s", errOut)
	}
}
