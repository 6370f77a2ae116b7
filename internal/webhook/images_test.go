package webhook

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/kubestride/kubestride/internal/image/imagetest"
)

// TestImagePolicy judges pods with a policy that names an image policy:
// images are resolved in a registry on loopback at admission; one from an
// unapproved repository is denied in enforce and warned of in warn, and
// one whose registry does not answer is denied as not judged.
func TestImagePolicy(t *testing.T) {
	reg := imagetest.Start(t)
	ok := reg.Ref("team/app", ":v1")
	imagetest.Push(t, ok, imagetest.Image(t, imagetest.ImageOptions{}))
	other := reg.Ref("other/app", ":v1")
	imagetest.Push(t, other, imagetest.Image(t, imagetest.ImageOptions{}))
	closed := imagetest.Start(t)
	gone := closed.Ref("team/app", ":v1")
	closed.Close()

	pol := filepath.Join(t.TempDir(), "images.yaml")
	if err := writeFile(pol, "apiVersion: kubestride.io/v1alpha1\nkind: ImagePolicy\nrepositories: [\""+reg.Host+"/team/*\", \""+closed.Host+"/team/*\"]\n"); err != nil {
		t.Fatal(err)
	}
	s := testServer(t, "webhook:\n  policies:\n  - {name: images, level: privileged, imagePolicy: "+pol+"}\n",
		namespace("enf", map[string]string{LabelEnforce: "images"}), namespace("w", map[string]string{LabelWarn: "images"}))
	pod := func(image string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: app, image: \"" + image + "\"}\n"
	}
	for _, tc := range []struct {
		name, ns, image string
		allowed         bool
		message         string
		warning         string
	}{
		{"approved", "enf", ok, true, "", ""},
		{"unapproved", "enf", other, false,
			`violates kubestride policy "images:latest": images from unapproved repositories (container "app" image "` + reg.Host + `/other/app@sha256:`, ""},
		{"unreachable", "enf", gone, false,
			`image "` + gone + `" could not be judged by the image policy: image "` + gone + `": registry ` + closed.Host + ` is unreachable`, ""},
		{"warn", "w", other, true, "", `would violate kubestride policy "images:latest": images from unapproved repositories`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := s.admit(context.Background(), request(t, admissionv1.Create, tc.ns, pod(tc.image)))
			if resp.Allowed != tc.allowed {
				t.Fatalf("allowed %v, want %v: %s", resp.Allowed, tc.allowed, message(resp))
			}
			if tc.message != "" && !strings.Contains(message(resp), tc.message) {
				t.Errorf("message %q\nwant it to hold %q", message(resp), tc.message)
			}
			if got := strings.Join(resp.Warnings, "\n"); !strings.Contains(got, tc.warning) || (tc.warning == "" && got != "") {
				t.Errorf("warnings %q, want %q", got, tc.warning)
			}
		})
	}
}

// TestImagePolicyFileErrors: a policy naming an image policy that does not
// load is refused at start-up.
func TestImagePolicyFileErrors(t *testing.T) {
	_, err := newPoliciesFrom(t, "webhook:\n  policies:\n  - {name: images, level: baseline, imagePolicy: /nonexistent/images.yaml}\n")
	if err == nil || !strings.Contains(err.Error(), `webhook policy "images": imagePolicy: read image policy`) {
		t.Errorf("error %v", err)
	}
}
