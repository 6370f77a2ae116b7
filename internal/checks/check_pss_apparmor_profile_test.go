package checks

import "testing"

func TestPSSAppArmorProfile(t *testing.T) {
	const annotation = "container.apparmor.security.beta.kubernetes.io/app"
	runPSSCases(t, "pss-apparmor-profile", []pssCase{
		{
			name:     "allowed types and annotations",
			manifest: pssPodMeta("annotations: {"+annotation+": runtime/default, container.apparmor.security.beta.kubernetes.io/b: localhost/b}", "{securityContext: {appArmorProfile: {type: RuntimeDefault}}, containers: [{name: app, image: i, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: p}}}, {name: b, image: i}]}"),
		},
		{
			name:     "unconfined pod",
			manifest: pssPod("{securityContext: {appArmorProfile: {type: Unconfined}}, containers: [{name: app, image: i}]}"),
			want:     []pssWant{{"spec.securityContext.appArmorProfile.type", "forbidden AppArmor profile", `pod must not set AppArmor profile type to "Unconfined"`}},
		},
		{
			name:     "unconfined container in a deployment",
			manifest: pssDeployment("{containers: [{name: app, image: i}, {name: b, image: i, securityContext: {appArmorProfile: {type: Unconfined}}}]}"),
			want:     []pssWant{{"spec.template.spec.containers[1].securityContext.appArmorProfile.type", "forbidden AppArmor profile", `container "b" must not set AppArmor profile type to "Unconfined"`}},
		},
		{
			name:     "unconfined annotation",
			manifest: pssPodMeta("annotations: {"+annotation+": unconfined}", "{containers: [{name: app, image: i}]}"),
			want:     []pssWant{{`metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]`, "forbidden AppArmor profile", `annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined""`}},
		},
		{
			name:     "field before annotation",
			manifest: pssPodMeta("annotations: {"+annotation+": unconfined}", "{containers: [{name: app, image: i, securityContext: {appArmorProfile: {type: Unconfined}}}]}"),
			want:     []pssWant{{"spec.containers[0].securityContext.appArmorProfile.type", "forbidden AppArmor profiles", `container "app" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined""`}},
		},
		{name: "baseline level", level: "baseline", version: "v1.0", manifest: pssPod("{containers: [{name: app, image: i}]}")},
	})
}
