package checks

import "testing"

func TestPSSPrivileged(t *testing.T) {
	runPSSCases(t, "pss-privileged", []pssCase{
		{name: "false", manifest: pssPod("{containers: [{name: a, image: i, securityContext: {privileged: false}}]}")},
		{
			name:     "second container of a deployment",
			manifest: pssDeployment("{containers: [{name: a, image: i}, {name: b, image: i, securityContext: {privileged: true}}]}"),
			want:     []pssWant{{"spec.template.spec.containers[1].securityContext.privileged", "privileged", `container "b" must not set securityContext.privileged=true`}},
		},
	})
}
