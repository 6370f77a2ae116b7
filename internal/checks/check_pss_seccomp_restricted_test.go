package checks

import "testing"

func TestPSSSeccompRestricted(t *testing.T) {
	const reason = "seccompProfile"
	runCases(t, "pss-seccomp-restricted", []checkCase{
		{name: "pod runtime default", manifest: pod("{securityContext: {seccompProfile: {type: RuntimeDefault}}, containers: [{name: a, image: i}]}")},
		{name: "every container localhost", manifest: pod("{containers: [{name: a, image: i, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}]}")},
		{
			name:     "unset without any securityContext",
			manifest: deployment("{containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec", Reason: reason, Detail: `pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`}},
		},
		{
			name:     "unset with a pod securityContext",
			manifest: pod("{securityContext: {runAsNonRoot: true}, containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.securityContext", Reason: reason, Detail: `pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`}},
		},
		{
			name:     "unset in the second container",
			manifest: pod("{containers: [{name: a, image: i, securityContext: {seccompProfile: {type: RuntimeDefault}}}, {name: b, image: i, securityContext: {runAsNonRoot: true}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[1].securityContext", Reason: reason, Detail: `pod or container "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`}},
		},
		{
			name:     "unconfined container despite the pod is pss-seccomp-baseline's",
			manifest: pod("{securityContext: {seccompProfile: {type: RuntimeDefault}}, containers: [{name: a, image: i}, {name: b, image: i, securityContext: {seccompProfile: {type: Unconfined}}}]}"),
		},
		{
			name:     "unconfined pod is pss-seccomp-baseline's, a container without a profile is not",
			manifest: pod("{securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: a, image: i}]}"),
		},
		{name: "windows pod exempt from v1.25", manifest: pod("{os: {name: windows}, containers: [{name: a, image: i}]}")},
		{name: "not in force before v1.19", version: "v1.18", manifest: pod("{containers: [{name: a, image: i}]}")},
		{name: "not in force at baseline", level: "baseline", manifest: pod("{containers: [{name: a, image: i}]}")},
	})
}
