package checks

import "testing"

func TestImageNotPinned(t *testing.T) {
	const reason = "images not pinned by digest"
	runCases(t, "image-not-pinned", []checkCase{
		{
			name: "digests",
			manifest: deployment(`initContainers:
- {name: setup, image: "busybox@` + wlDigest + `"}
containers:
- {name: app, image: "nginx:1.25@` + wlDigest + `"}
- {name: local, image: "localhost:5000/app@` + wlDigest + `"}
`),
		},
		{
			name: "tags, no tag, bad digest",
			manifest: deployment(`containers:
- {name: app, image: "nginx:1.25"}
- {name: local, image: "localhost:5000/app"}
- {name: short, image: "app@sha256:abc"}
- {name: ok, image: "app@` + wlDigest + `"}
`),
			want: []finding{
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].image", Reason: reason,
					Detail: `container "app" must pin image "nginx:1.25" by digest (@sha256:<digest>)`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[1].image", Reason: reason,
					Detail: `container "local" must pin image "localhost:5000/app" by digest (@sha256:<digest>)`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[2].image", Reason: reason,
					Detail: `container "short" must pin image "app@sha256:abc" by digest (@sha256:<digest>)`,
				},
			},
		},
	})
}
