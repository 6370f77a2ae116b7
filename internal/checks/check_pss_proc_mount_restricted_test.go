package checks

import "testing"

func TestPSSProcMountRestricted(t *testing.T) {
	const unmasked = "{hostUsers: false, containers: [{name: a, image: i, securityContext: {procMount: Unmasked}}]}"
	runCases(t, "pss-proc-mount-restricted", []checkCase{
		{name: "default", manifest: pod("{containers: [{name: a, image: i, securityContext: {procMount: Default}}]}")},
		{
			name:     "unmasked in a user namespace",
			manifest: deployment(unmasked),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].securityContext.procMount", Reason: "procMount", Detail: `container "a" must not set securityContext.procMount to "Unmasked"`}},
		},
		{name: "not in force before v1.35", version: "v1.34", manifest: pod(unmasked)},
		{name: "not in force at baseline", level: "baseline", manifest: pod(unmasked)},
	})
}
