package checks

import "testing"

func TestPSSRunAsNonRoot(t *testing.T) {
	const reason = "runAsNonRoot != true"
	runPSSCases(t, "pss-run-as-non-root", []pssCase{
		{name: "pod level true", manifest: pssPod("{securityContext: {runAsNonRoot: true}, containers: [{name: a, image: i}]}")},
		{name: "every container true", manifest: pssPod("{containers: [{name: a, image: i, securityContext: {runAsNonRoot: true}}]}")},
		{
			name:     "pod level false",
			manifest: pssPod("{securityContext: {runAsNonRoot: false}, containers: [{name: a, image: i, securityContext: {runAsNonRoot: true}}]}"),
			want:     []pssWant{{"spec.securityContext.runAsNonRoot", reason, "pod must not set securityContext.runAsNonRoot=false"}},
		},
		{
			name:     "container false despite the pod",
			manifest: pssDeployment("{securityContext: {runAsNonRoot: true}, containers: [{name: a, image: i}, {name: b, image: i, securityContext: {runAsNonRoot: false}}]}"),
			want:     []pssWant{{"spec.template.spec.containers[1].securityContext.runAsNonRoot", reason, `container "b" must not set securityContext.runAsNonRoot=false`}},
		},
		{
			name:     "unset without any securityContext",
			manifest: pssPod("{containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec", reason, `pod or container "a" must set securityContext.runAsNonRoot=true`}},
		},
		{
			name:     "unset with a pod securityContext",
			manifest: pssPod("{securityContext: {runAsUser: 1000}, containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.securityContext", reason, `pod or container "a" must set securityContext.runAsNonRoot=true`}},
		},
		{
			name:     "unset in the second container",
			manifest: pssPod("{containers: [{name: a, image: i, securityContext: {runAsNonRoot: true}}, {name: b, image: i, securityContext: {runAsUser: 1000}}]}"),
			want:     []pssWant{{"spec.containers[1].securityContext", reason, `pod or container "b" must set securityContext.runAsNonRoot=true`}},
		},
		{name: "user namespace from v1.35", manifest: pssPod("{hostUsers: false, containers: [{name: a, image: i}]}")},
		{
			name:     "user namespace before v1.35",
			version:  "v1.34",
			manifest: pssPod("{hostUsers: false, containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec", reason, `pod or container "a" must set securityContext.runAsNonRoot=true`}},
		},
		{name: "not in force at baseline", level: "baseline", manifest: pssPod("{containers: [{name: a, image: i}]}")},
	})
}
