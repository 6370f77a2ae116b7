package checks

import "testing"

func TestPSSSeccompRestricted(t *testing.T) {
	const reason = "seccompProfile"
	runPSSCases(t, "pss-seccomp-restricted", []pssCase{
		{name: "pod runtime default", manifest: pssPod("{securityContext: {seccompProfile: {type: RuntimeDefault}}, containers: [{name: a, image: i}]}")},
		{name: "every container localhost", manifest: pssPod("{containers: [{name: a, image: i, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}]}")},
		{
			name:     "unset without any securityContext",
			manifest: pssDeployment("{containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.template.spec", reason, `pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`}},
		},
		{
			name:     "unset with a pod securityContext",
			manifest: pssPod("{securityContext: {runAsNonRoot: true}, containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.securityContext", reason, `pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`}},
		},
		{
			name:     "unset in the second container",
			manifest: pssPod("{containers: [{name: a, image: i, securityContext: {seccompProfile: {type: RuntimeDefault}}}, {name: b, image: i, securityContext: {runAsNonRoot: true}}]}"),
			want:     []pssWant{{"spec.containers[1].securityContext", reason, `pod or container "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`}},
		},
		{
			name:     "unconfined container despite the pod",
			manifest: pssPod("{securityContext: {seccompProfile: {type: RuntimeDefault}}, containers: [{name: a, image: i}, {name: b, image: i, securityContext: {seccompProfile: {type: Unconfined}}}]}"),
			want:     []pssWant{{"spec.containers[1].securityContext.seccompProfile.type", reason, `container "b" must not set securityContext.seccompProfile.type to "Unconfined"`}},
		},
		{
			name:     "unconfined pod",
			manifest: pssPod("{securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.securityContext.seccompProfile.type", reason, `pod must not set securityContext.seccompProfile.type to "Unconfined"`}},
		},
		{name: "windows pod exempt from v1.25", manifest: pssPod("{os: {name: windows}, containers: [{name: a, image: i}]}")},
		{name: "not in force before v1.19", version: "v1.18", manifest: pssPod("{containers: [{name: a, image: i}]}")},
		{name: "not in force at baseline", level: "baseline", manifest: pssPod("{containers: [{name: a, image: i}]}")},
	})
}
