package checks

import "testing"

func TestPSSRunAsUser(t *testing.T) {
	runPSSCases(t, "pss-run-as-user", []pssCase{
		{name: "non-zero and unset", manifest: pssPod("{securityContext: {runAsUser: 1000}, containers: [{name: a, image: i}, {name: b, image: i, securityContext: {runAsUser: 2000}}]}")},
		{
			name:     "pod",
			manifest: pssPod("{securityContext: {runAsUser: 0}, containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.securityContext.runAsUser", "runAsUser=0", "pod must not set runAsUser=0"}},
		},
		{
			name:     "init container of a deployment",
			manifest: pssDeployment("{initContainers: [{name: setup, image: i, securityContext: {runAsUser: 0}}], containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.template.spec.initContainers[0].securityContext.runAsUser", "runAsUser=0", `container "setup" must not set runAsUser=0`}},
		},
		{name: "user namespace from v1.35", manifest: pssPod("{hostUsers: false, securityContext: {runAsUser: 0}, containers: [{name: a, image: i}]}")},
		{name: "not in force before v1.23", version: "v1.22", manifest: pssPod("{securityContext: {runAsUser: 0}, containers: [{name: a, image: i}]}")},
	})
}
