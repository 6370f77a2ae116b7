package checks

import "testing"

func TestImageLatestTag(t *testing.T) {
	const reason = "latest image tags"
	runCases(t, "image-latest-tag", []checkCase{
		{
			name: "fixed tags and digests",
			manifest: deployment(`containers:
- {name: a, image: "nginx:1.25"}
- {name: b, image: "localhost:5000/app:2.0"}
- {name: c, image: "nginx@` + wlDigest + `"}
- {name: d, image: "nginx:latest@` + wlDigest + `"}
- {name: e, image: "registry.example.com/team/app:v1"}
`),
		},
		{
			name: "latest and no tag",
			manifest: deployment(`initContainers:
- {name: setup, image: busybox}
containers:
- {name: app, image: "nginx:latest"}
- {name: local, image: "localhost:5000/app"}
- {name: pinned, image: "nginx:1.25"}
`),
			want: []finding{
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0].image", Reason: reason,
					Detail: `init container "setup" must set image "busybox" to a fixed tag or digest (no tag means "latest")`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].image", Reason: reason,
					Detail: `container "app" must set image "nginx:latest" to a fixed tag or digest, not "latest"`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[1].image", Reason: reason,
					Detail: `container "local" must set image "localhost:5000/app" to a fixed tag or digest (no tag means "latest")`,
				},
			},
		},
		{
			name:     "ephemeral container",
			manifest: pod("containers: [{name: app, image: \"app:1\"}]\nephemeralContainers: [{name: debugger, image: busybox}]"),
			want: []finding{{
				Object: "Pod shop/app", Path: "spec.ephemeralContainers[0].image", Reason: reason,
				Detail: `ephemeral container "debugger" must set image "busybox" to a fixed tag or digest (no tag means "latest")`,
			}},
		},
	})
}
