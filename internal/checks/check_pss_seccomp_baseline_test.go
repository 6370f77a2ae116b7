package checks

import "testing"

func TestPSSSeccompBaseline(t *testing.T) {
	const podAnnotation = "seccomp.security.alpha.kubernetes.io/pod"
	runPSSCases(t, "pss-seccomp-baseline", []pssCase{
		{name: "unset", level: "baseline", manifest: pssPod("{containers: [{name: a, image: i}]}")},
		{name: "runtime default and localhost", level: "baseline", manifest: pssPod("{securityContext: {seccompProfile: {type: RuntimeDefault}}, containers: [{name: a, image: i, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}]}")},
		{
			name:     "unconfined pod",
			level:    "baseline",
			manifest: pssDeployment("{securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.template.spec.securityContext.seccompProfile.type", "seccompProfile", `pod must not set securityContext.seccompProfile.type to "Unconfined"`}},
		},
		{
			name:     "unconfined ephemeral container",
			level:    "baseline",
			manifest: pssPod("{containers: [{name: a, image: i}], ephemeralContainers: [{name: debug, image: i, securityContext: {seccompProfile: {type: Unconfined}}}]}"),
			want:     []pssWant{{"spec.ephemeralContainers[0].securityContext.seccompProfile.type", "seccompProfile", `container "debug" must not set securityContext.seccompProfile.type to "Unconfined"`}},
		},
		{
			name:     "annotations before v1.19",
			level:    "baseline",
			version:  "v1.18",
			manifest: pssPodMeta("annotations: {"+podAnnotation+": docker/default, container.seccomp.security.alpha.kubernetes.io/a: unconfined}", "{containers: [{name: a, image: i}]}"),
			want:     []pssWant{{`metadata.annotations["container.seccomp.security.alpha.kubernetes.io/a"]`, "seccompProfile", `forbidden annotation container.seccomp.security.alpha.kubernetes.io/a="unconfined"`}},
		},
		{
			name:     "annotations ignored from v1.19",
			level:    "baseline",
			manifest: pssPodMeta("annotations: {"+podAnnotation+": unconfined}", "{containers: [{name: a, image: i}]}"),
		},
		{
			name:     "restricted before v1.19",
			version:  "v1.18",
			manifest: pssPodMeta("annotations: {"+podAnnotation+": unconfined}", "{containers: [{name: a, image: i}]}"),
			want:     []pssWant{{`metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]`, "seccompProfile", `forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"`}},
		},
		{
			name:     "replaced by seccompProfile_restricted at restricted v1.19",
			version:  "v1.19",
			manifest: pssPod("{securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: a, image: i}]}"),
		},
	})
}
