package checks

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kubestride/kubestride/internal/check"
	imagepolicy "github.com/kubestride/kubestride/internal/image/policy"
)

// TestImagePolicyResolved judges resolved images: signatures and base
// images count only once an image is resolved, and an image that could not
// be resolved is judged by its reference alone (the loader stage reports
// it as an error).
func TestImagePolicyResolved(t *testing.T) {
	p, err := imagepolicy.Load("../image/policy/testdata/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	payKey := p.Signatures[0].Keys[0].ID
	ref := func(name string) string { return "registry.example.com/payments/" + name + "@" + wlDigest }
	manifest := deployment(`containers:
- {name: signed, image: "` + ref("signed") + `"}
- {name: unsigned, image: "` + ref("unsigned") + `"}
- {name: otherbase, image: "` + ref("otherbase") + `"}
- {name: down, image: "` + ref("down") + `"}
`)
	good := imagepolicy.Base{Name: "registry.example.com/base/distroless:12"}
	resolved := map[string]check.ResolvedImage{
		ref("signed"): {
			Image:      imagepolicy.Image{Digest: wlDigest, Base: good},
			Signatures: imagepolicy.Signatures{Checked: true, Results: []imagepolicy.SignatureResult{{Verified: true, Key: payKey}}},
		},
		ref("unsigned"): {
			Image:      imagepolicy.Image{Digest: wlDigest, Base: good},
			Signatures: imagepolicy.Signatures{Checked: true},
		},
		ref("otherbase"): {
			Image:      imagepolicy.Image{Digest: wlDigest, Base: imagepolicy.Base{Name: "docker.io/library/alpine:3"}},
			Signatures: imagepolicy.Signatures{Checked: true, Results: []imagepolicy.SignatureResult{{Verified: true, Key: payKey}}},
		},
		ref("down"): {Err: errors.New("registry registry.example.com is unreachable")},
	}
	const img = `image "registry.example.com/payments/`
	tests := []struct {
		name     string
		resolved bool
		want     []finding
	}{
		{name: "not resolved: the reference's rules only", resolved: false},
		{name: "resolved", resolved: true, want: []finding{
			{
				Object: "Deployment shop/app", Path: "spec.template.spec.containers[1].image", Reason: "images without a verified signature",
				Detail: `container "unsigned" ` + img + `unsigned@` + wlDigest + `" has no verified signature from the keys or identities for registry.example.com/payments/* (../image/policy/testdata/policy.yaml:8): no signature found`,
			},
			{
				Object: "Deployment shop/app", Path: "spec.template.spec.containers[2].image", Reason: "images on unapproved base images",
				Detail: `container "otherbase" ` + img + `otherbase@` + wlDigest + `" is built on "docker.io/library/alpine:3", which is not an approved base image`,
			},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			im := &check.Images{Policy: p, Resolved: tc.resolved}
			for k, v := range resolved {
				im.Set(k, v)
			}
			opts := defaultOptions
			opts.Images = im
			got := comparable(run(registered(t, "image-policy"), load(t, "test.yaml", manifest), opts))
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(finding{}, "Line")); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImagePolicyNoPolicy: without an image policy the check judges
// nothing (the scan reports it as not evaluated).
func TestImagePolicyNoPolicy(t *testing.T) {
	if got := runCheck(t, "image-policy", deployment("containers:\n- {name: app, image: \"busybox:1\"}\n")); len(got) > 0 {
		t.Errorf("findings without a policy: %v", got)
	}
}
