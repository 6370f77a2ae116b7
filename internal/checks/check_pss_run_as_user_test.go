package checks

import "testing"

func TestPSSRunAsUser(t *testing.T) {
	runCases(t, "pss-run-as-user", []checkCase{
		{name: "non-zero and unset", manifest: pod("{securityContext: {runAsUser: 1000}, containers: [{name: a, image: i}, {name: b, image: i, securityContext: {runAsUser: 2000}}]}")},
		{
			name:     "pod",
			manifest: pod("{securityContext: {runAsUser: 0}, containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.securityContext.runAsUser", Reason: "runAsUser=0", Detail: "pod must not set runAsUser=0"}},
		},
		{
			name:     "init container of a deployment",
			manifest: deployment("{initContainers: [{name: setup, image: i, securityContext: {runAsUser: 0}}], containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0].securityContext.runAsUser", Reason: "runAsUser=0", Detail: `container "setup" must not set runAsUser=0`}},
		},
		{name: "user namespace from v1.35", manifest: pod("{hostUsers: false, securityContext: {runAsUser: 0}, containers: [{name: a, image: i}]}")},
		{name: "not in force before v1.23", version: "v1.22", manifest: pod("{securityContext: {runAsUser: 0}, containers: [{name: a, image: i}]}")},
	})
}
