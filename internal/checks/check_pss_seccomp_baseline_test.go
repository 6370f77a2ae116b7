package checks

import "testing"

func TestPSSSeccompBaseline(t *testing.T) {
	const podAnnotation = "seccomp.security.alpha.kubernetes.io/pod"
	runCases(t, "pss-seccomp-baseline", []checkCase{
		{name: "unset", level: "baseline", manifest: pod("{containers: [{name: a, image: i}]}")},
		{name: "runtime default and localhost", level: "baseline", manifest: pod("{securityContext: {seccompProfile: {type: RuntimeDefault}}, containers: [{name: a, image: i, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}]}")},
		{
			name:     "unconfined pod",
			level:    "baseline",
			manifest: deployment("{securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.securityContext.seccompProfile.type", Reason: "seccompProfile", Detail: `pod must not set securityContext.seccompProfile.type to "Unconfined"`}},
		},
		{
			name:     "unconfined ephemeral container",
			level:    "baseline",
			manifest: pod("{containers: [{name: a, image: i}], ephemeralContainers: [{name: debug, image: i, securityContext: {seccompProfile: {type: Unconfined}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.ephemeralContainers[0].securityContext.seccompProfile.type", Reason: "seccompProfile", Detail: `container "debug" must not set securityContext.seccompProfile.type to "Unconfined"`}},
		},
		{
			name:     "annotations before v1.19",
			level:    "baseline",
			version:  "v1.18",
			manifest: podMeta("annotations: {"+podAnnotation+": docker/default, container.seccomp.security.alpha.kubernetes.io/a: unconfined}", "{containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: `metadata.annotations["container.seccomp.security.alpha.kubernetes.io/a"]`, Reason: "seccompProfile", Detail: `forbidden annotation container.seccomp.security.alpha.kubernetes.io/a="unconfined"`}},
		},
		{
			name:     "annotations ignored from v1.19",
			level:    "baseline",
			manifest: podMeta("annotations: {"+podAnnotation+": unconfined}", "{containers: [{name: a, image: i}]}"),
		},
		{
			name:     "restricted before v1.19",
			version:  "v1.18",
			manifest: podMeta("annotations: {"+podAnnotation+": unconfined}", "{containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: `metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]`, Reason: "seccompProfile", Detail: `forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"`}},
		},
		{
			name:     "reported under its own ID where seccompProfile_restricted replaces it (restricted v1.19)",
			version:  "v1.19",
			manifest: pod("{securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.securityContext.seccompProfile.type", Reason: "seccompProfile", Detail: `pod must not set securityContext.seccompProfile.type to "Unconfined"`}},
		},
	})
}
