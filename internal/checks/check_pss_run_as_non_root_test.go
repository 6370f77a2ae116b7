package checks

import "testing"

func TestPSSRunAsNonRoot(t *testing.T) {
	const reason = "runAsNonRoot != true"
	runCases(t, "pss-run-as-non-root", []checkCase{
		{name: "pod level true", manifest: pod("{securityContext: {runAsNonRoot: true}, containers: [{name: a, image: i}]}")},
		{name: "every container true", manifest: pod("{containers: [{name: a, image: i, securityContext: {runAsNonRoot: true}}]}")},
		{
			name:     "pod level false",
			manifest: pod("{securityContext: {runAsNonRoot: false}, containers: [{name: a, image: i, securityContext: {runAsNonRoot: true}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.securityContext.runAsNonRoot", Reason: reason, Detail: "pod must not set securityContext.runAsNonRoot=false"}},
		},
		{
			name:     "container false despite the pod",
			manifest: deployment("{securityContext: {runAsNonRoot: true}, containers: [{name: a, image: i}, {name: b, image: i, securityContext: {runAsNonRoot: false}}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[1].securityContext.runAsNonRoot", Reason: reason, Detail: `container "b" must not set securityContext.runAsNonRoot=false`}},
		},
		{
			name:     "unset without any securityContext",
			manifest: pod("{containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec", Reason: reason, Detail: `pod or container "a" must set securityContext.runAsNonRoot=true`}},
		},
		{
			name:     "unset with a pod securityContext",
			manifest: pod("{securityContext: {runAsUser: 1000}, containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.securityContext", Reason: reason, Detail: `pod or container "a" must set securityContext.runAsNonRoot=true`}},
		},
		{
			name:     "unset in the second container",
			manifest: pod("{containers: [{name: a, image: i, securityContext: {runAsNonRoot: true}}, {name: b, image: i, securityContext: {runAsUser: 1000}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[1].securityContext", Reason: reason, Detail: `pod or container "b" must set securityContext.runAsNonRoot=true`}},
		},
		{name: "user namespace from v1.35", manifest: pod("{hostUsers: false, containers: [{name: a, image: i}]}")},
		{
			name:     "user namespace before v1.35",
			version:  "v1.34",
			manifest: pod("{hostUsers: false, containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec", Reason: reason, Detail: `pod or container "a" must set securityContext.runAsNonRoot=true`}},
		},
		{name: "not in force at baseline", level: "baseline", manifest: pod("{containers: [{name: a, image: i}]}")},
	})
}
