package checks

import "testing"

func TestPSSCapabilitiesRestricted(t *testing.T) {
	const reason = "unrestricted capabilities"
	runPSSCases(t, "pss-capabilities-restricted", []pssCase{
		{
			name:     "drop ALL, add NET_BIND_SERVICE",
			manifest: pssPod("{containers: [{name: app, image: i, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}}]}"),
		},
		{
			name:     "no securityContext",
			manifest: pssPod("{containers: [{name: app, image: i}]}"),
			want:     []pssWant{{"spec.containers[0]", reason, `container "app" must set securityContext.capabilities.drop=["ALL"]`}},
		},
		{
			name:     "no capabilities",
			manifest: pssPod("{containers: [{name: app, image: i, securityContext: {runAsNonRoot: true}}]}"),
			want:     []pssWant{{"spec.containers[0].securityContext", reason, `container "app" must set securityContext.capabilities.drop=["ALL"]`}},
		},
		{
			name:     "no drop list",
			manifest: pssPod("{containers: [{name: app, image: i, securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}]}"),
			want:     []pssWant{{"spec.containers[0].securityContext.capabilities", reason, `container "app" must set securityContext.capabilities.drop=["ALL"]`}},
		},
		{
			name:     "drop list without ALL",
			manifest: pssDeployment("{containers: [{name: app, image: i, securityContext: {capabilities: {drop: [NET_RAW]}}}]}"),
			want:     []pssWant{{"spec.template.spec.containers[0].securityContext.capabilities.drop", reason, `container "app" must set securityContext.capabilities.drop=["ALL"]`}},
		},
		{
			name:     "missing drop reported before a forbidden add",
			manifest: pssPod("{containers: [{name: a, image: i, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, SYS_TIME]}}}, {name: b, image: i}]}"),
			want:     []pssWant{{"spec.containers[1]", reason, `container "b" must set securityContext.capabilities.drop=["ALL"]; container "a" must not include "SYS_TIME" in securityContext.capabilities.add`}},
		},
		{
			name:     "forbidden add",
			manifest: pssPod("{containers: [{name: a, image: i, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, SYS_TIME]}}}]}"),
			want:     []pssWant{{"spec.containers[0].securityContext.capabilities.add[1]", reason, `container "a" must not include "SYS_TIME" in securityContext.capabilities.add`}},
		},
		{name: "windows pod exempt from v1.25", manifest: pssPod("{os: {name: windows}, containers: [{name: app, image: i}]}")},
		{name: "not in force before v1.22", version: "v1.21", manifest: pssPod("{containers: [{name: app, image: i}]}")},
		{name: "not in force at baseline", level: "baseline", manifest: pssPod("{containers: [{name: app, image: i}]}")},
	})
}
