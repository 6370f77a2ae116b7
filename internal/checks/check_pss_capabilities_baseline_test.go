package checks

import "testing"

func TestPSSCapabilitiesBaseline(t *testing.T) {
	runCases(t, "pss-capabilities-baseline", []checkCase{
		{
			name:     "default capabilities",
			level:    "baseline",
			manifest: pod("{containers: [{name: app, image: i, securityContext: {capabilities: {add: [CHOWN, NET_BIND_SERVICE, SYS_CHROOT]}}}]}"),
		},
		{
			name:     "sys admin after a default one",
			level:    "baseline",
			manifest: deployment("{initContainers: [{name: setup, image: i}], containers: [{name: app, image: i, securityContext: {capabilities: {add: [CHOWN, SYS_ADMIN, NET_RAW]}}}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].securityContext.capabilities.add[1]", Reason: "non-default capabilities", Detail: `container "app" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add`}},
		},
		{
			name:     "restricted before v1.22",
			version:  "v1.21",
			manifest: pod("{containers: [{name: app, image: i, securityContext: {capabilities: {add: [NET_ADMIN]}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].securityContext.capabilities.add[0]", Reason: "non-default capabilities", Detail: `container "app" must not include "NET_ADMIN" in securityContext.capabilities.add`}},
		},
		{
			name:     "reported under its own ID where capabilities_restricted replaces it (restricted v1.22)",
			version:  "v1.22",
			manifest: pod("{containers: [{name: app, image: i, securityContext: {capabilities: {add: [NET_ADMIN]}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].securityContext.capabilities.add[0]", Reason: "non-default capabilities", Detail: `container "app" must not include "NET_ADMIN" in securityContext.capabilities.add`}},
		},
	})
}
