package checks

import "testing"

func TestPSSProcMount(t *testing.T) {
	const unmasked = "{containers: [{name: a, image: i}, {name: b, image: i, securityContext: {procMount: Unmasked}}]}"
	want := []pssWant{{"spec.containers[1].securityContext.procMount", "procMount", `container "b" must not set securityContext.procMount to "Unmasked"`}}
	runPSSCases(t, "pss-proc-mount", []pssCase{
		{name: "default", level: "baseline", manifest: pssPod("{containers: [{name: a, image: i, securityContext: {procMount: Default}}]}")},
		{name: "unmasked", level: "baseline", manifest: pssPod(unmasked), want: want},
		{name: "unmasked in a user namespace", level: "baseline", manifest: pssPod("{hostUsers: false, " + unmasked[1:])},
		{name: "unmasked in a user namespace before v1.35", level: "baseline", version: "v1.34", manifest: pssPod("{hostUsers: false, " + unmasked[1:]), want: want},
		{name: "restricted before v1.35", version: "v1.34", manifest: pssPod(unmasked), want: want},
		{name: "replaced by procMount_restricted at restricted v1.35", version: "v1.35", manifest: pssPod(unmasked)},
	})
}
