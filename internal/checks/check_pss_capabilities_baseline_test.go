package checks

import "testing"

func TestPSSCapabilitiesBaseline(t *testing.T) {
	runPSSCases(t, "pss-capabilities-baseline", []pssCase{
		{
			name:     "default capabilities",
			level:    "baseline",
			manifest: pssPod("{containers: [{name: app, image: i, securityContext: {capabilities: {add: [CHOWN, NET_BIND_SERVICE, SYS_CHROOT]}}}]}"),
		},
		{
			name:     "sys admin after a default one",
			level:    "baseline",
			manifest: pssDeployment("{initContainers: [{name: setup, image: i}], containers: [{name: app, image: i, securityContext: {capabilities: {add: [CHOWN, SYS_ADMIN, NET_RAW]}}}]}"),
			want:     []pssWant{{"spec.template.spec.containers[0].securityContext.capabilities.add[1]", "non-default capabilities", `container "app" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add`}},
		},
		{
			name:     "restricted before v1.22",
			version:  "v1.21",
			manifest: pssPod("{containers: [{name: app, image: i, securityContext: {capabilities: {add: [NET_ADMIN]}}}]}"),
			want:     []pssWant{{"spec.containers[0].securityContext.capabilities.add[0]", "non-default capabilities", `container "app" must not include "NET_ADMIN" in securityContext.capabilities.add`}},
		},
		{
			name:     "replaced by capabilities_restricted at restricted v1.22",
			version:  "v1.22",
			manifest: pssPod("{containers: [{name: app, image: i, securityContext: {capabilities: {add: [NET_ADMIN]}}}]}"),
		},
	})
}
