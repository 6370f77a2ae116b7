package checks

import "testing"

func TestPSSAppArmorProfile(t *testing.T) {
	const annotation = "container.apparmor.security.beta.kubernetes.io/app"
	runCases(t, "pss-apparmor-profile", []checkCase{
		{
			name:     "allowed types and annotations",
			manifest: podMeta("annotations: {"+annotation+": runtime/default, container.apparmor.security.beta.kubernetes.io/b: localhost/b}", "{securityContext: {appArmorProfile: {type: RuntimeDefault}}, containers: [{name: app, image: i, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: p}}}, {name: b, image: i}]}"),
		},
		{
			name:     "unconfined pod",
			manifest: pod("{securityContext: {appArmorProfile: {type: Unconfined}}, containers: [{name: app, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.securityContext.appArmorProfile.type", Reason: "forbidden AppArmor profile", Detail: `pod must not set AppArmor profile type to "Unconfined"`}},
		},
		{
			name:     "unconfined container in a deployment",
			manifest: deployment("{containers: [{name: app, image: i}, {name: b, image: i, securityContext: {appArmorProfile: {type: Unconfined}}}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[1].securityContext.appArmorProfile.type", Reason: "forbidden AppArmor profile", Detail: `container "b" must not set AppArmor profile type to "Unconfined"`}},
		},
		{
			name:     "unconfined annotation",
			manifest: podMeta("annotations: {"+annotation+": unconfined}", "{containers: [{name: app, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: `metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]`, Reason: "forbidden AppArmor profile", Detail: `annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined""`}},
		},
		{
			name:     "field before annotation",
			manifest: podMeta("annotations: {"+annotation+": unconfined}", "{containers: [{name: app, image: i, securityContext: {appArmorProfile: {type: Unconfined}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].securityContext.appArmorProfile.type", Reason: "forbidden AppArmor profiles", Detail: `container "app" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined""`}},
		},
		{name: "baseline level", level: "baseline", version: "v1.0", manifest: pod("{containers: [{name: app, image: i}]}")},
	})
}
