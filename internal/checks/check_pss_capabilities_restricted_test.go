package checks

import (
	"testing"
)

func TestPSSCapabilitiesRestricted(t *testing.T) {
	const reason = "unrestricted capabilities"
	runCases(t, "pss-capabilities-restricted", []checkCase{
		{
			name:     "drop ALL, add NET_BIND_SERVICE",
			manifest: pod("{containers: [{name: app, image: i, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}}]}"),
		},
		{
			name:     "no securityContext",
			manifest: pod("{containers: [{name: app, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0]", Reason: reason, Detail: `container "app" must set securityContext.capabilities.drop=["ALL"]`}},
		},
		{
			name:     "no capabilities",
			manifest: pod("{containers: [{name: app, image: i, securityContext: {runAsNonRoot: true}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].securityContext", Reason: reason, Detail: `container "app" must set securityContext.capabilities.drop=["ALL"]`}},
		},
		{
			name:     "no drop list",
			manifest: pod("{containers: [{name: app, image: i, securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].securityContext.capabilities", Reason: reason, Detail: `container "app" must set securityContext.capabilities.drop=["ALL"]`}},
		},
		{
			name:     "drop list without ALL",
			manifest: deployment("{containers: [{name: app, image: i, securityContext: {capabilities: {drop: [NET_RAW]}}}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].securityContext.capabilities.drop", Reason: reason, Detail: `container "app" must set securityContext.capabilities.drop=["ALL"]`}},
		},
		{
			name:     "missing drop reported before a forbidden add",
			manifest: pod("{containers: [{name: a, image: i, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, SYS_TIME]}}}, {name: b, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[1]", Reason: reason, Detail: `container "b" must set securityContext.capabilities.drop=["ALL"]`}},
		},
		{
			name:     "forbidden add",
			manifest: pod("{containers: [{name: a, image: i, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, SYS_TIME, CHOWN]}}}]}"),
			// SYS_TIME is beyond the baseline set: pss-capabilities-baseline reports it.
			want: []finding{{Object: "Pod shop/app", Path: "spec.containers[0].securityContext.capabilities.add[2]", Reason: reason, Detail: `container "a" must not include "CHOWN" in securityContext.capabilities.add`}},
		},
		{name: "windows pod exempt from v1.25", manifest: pod("{os: {name: windows}, containers: [{name: app, image: i}]}")},
		{name: "not in force before v1.22", version: "v1.21", manifest: pod("{containers: [{name: app, image: i}]}")},
		{name: "not in force at baseline", level: "baseline", manifest: pod("{containers: [{name: app, image: i}]}")},
	})
}
