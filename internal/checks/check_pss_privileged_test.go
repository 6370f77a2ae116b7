package checks

import "testing"

func TestPSSPrivileged(t *testing.T) {
	runCases(t, "pss-privileged", []checkCase{
		{name: "false", manifest: pod("{containers: [{name: a, image: i, securityContext: {privileged: false}}]}")},
		{
			name:     "second container of a deployment",
			manifest: deployment("{containers: [{name: a, image: i}, {name: b, image: i, securityContext: {privileged: true}}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[1].securityContext.privileged", Reason: "privileged", Detail: `container "b" must not set securityContext.privileged=true`}},
		},
	})
}
