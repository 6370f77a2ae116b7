package checks

import "testing"

func TestPSSProcMountRestricted(t *testing.T) {
	const unmasked = "{hostUsers: false, containers: [{name: a, image: i, securityContext: {procMount: Unmasked}}]}"
	runPSSCases(t, "pss-proc-mount-restricted", []pssCase{
		{name: "default", manifest: pssPod("{containers: [{name: a, image: i, securityContext: {procMount: Default}}]}")},
		{
			name:     "unmasked in a user namespace",
			manifest: pssDeployment(unmasked),
			want:     []pssWant{{"spec.template.spec.containers[0].securityContext.procMount", "procMount", `container "a" must not set securityContext.procMount to "Unmasked"`}},
		},
		{name: "not in force before v1.35", version: "v1.34", manifest: pssPod(unmasked)},
		{name: "not in force at baseline", level: "baseline", manifest: pssPod(unmasked)},
	})
}
