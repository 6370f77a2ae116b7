package checks

import "testing"

func TestPSSProcMount(t *testing.T) {
	const unmasked = "{containers: [{name: a, image: i}, {name: b, image: i, securityContext: {procMount: Unmasked}}]}"
	want := []finding{{Object: "Pod shop/app", Path: "spec.containers[1].securityContext.procMount", Reason: "procMount", Detail: `container "b" must not set securityContext.procMount to "Unmasked"`}}
	runCases(t, "pss-proc-mount", []checkCase{
		{name: "default", level: "baseline", manifest: pod("{containers: [{name: a, image: i, securityContext: {procMount: Default}}]}")},
		{name: "unmasked", level: "baseline", manifest: pod(unmasked), want: want},
		{name: "unmasked in a user namespace", level: "baseline", manifest: pod("{hostUsers: false, " + unmasked[1:])},
		{name: "unmasked in a user namespace before v1.35", level: "baseline", version: "v1.34", manifest: pod("{hostUsers: false, " + unmasked[1:]), want: want},
		{name: "restricted before v1.35", version: "v1.34", manifest: pod(unmasked), want: want},
		{name: "reported under its own ID where procMount_restricted replaces it (restricted v1.35)", version: "v1.35", manifest: pod(unmasked),
			want: []finding{{Object: "Pod shop/app", Path: "spec.containers[1].securityContext.procMount", Reason: "procMount", Detail: `container "b" must not set securityContext.procMount to "Unmasked"`}}},
	})
}
