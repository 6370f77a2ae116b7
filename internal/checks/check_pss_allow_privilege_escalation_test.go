package checks

import "testing"

func TestPSSAllowPrivilegeEscalation(t *testing.T) {
	const (
		reason = "allowPrivilegeEscalation != false"
		appOK  = "{name: app, image: i, securityContext: {allowPrivilegeEscalation: false}}"
	)
	runPSSCases(t, "pss-allow-privilege-escalation", []pssCase{
		{name: "false everywhere", manifest: pssPod("{containers: [" + appOK + "]}")},
		{
			name:     "no securityContext",
			manifest: pssPod("{containers: [{name: app, image: i}]}"),
			want:     []pssWant{{"spec.containers[0]", reason, `container "app" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{
			name:     "securityContext without the field",
			manifest: pssPod("{containers: [{name: app, image: i, securityContext: {runAsNonRoot: true}}]}"),
			want:     []pssWant{{"spec.containers[0].securityContext", reason, `container "app" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{
			name:     "true in an init container of a deployment",
			manifest: pssDeployment("{initContainers: [{name: setup, image: i, securityContext: {allowPrivilegeEscalation: true}}], containers: [" + appOK + "]}"),
			want:     []pssWant{{"spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation", reason, `container "setup" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{
			name:     "ephemeral container",
			manifest: pssPod("{containers: [" + appOK + "], ephemeralContainers: [{name: debug, image: i}]}"),
			want:     []pssWant{{"spec.ephemeralContainers[0]", reason, `container "debug" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{
			name:     "two containers, the first one located",
			manifest: pssPod("{containers: [" + appOK + ", {name: b, image: i, securityContext: {allowPrivilegeEscalation: true}}, {name: c, image: i}]}"),
			want:     []pssWant{{"spec.containers[1].securityContext.allowPrivilegeEscalation", reason, `containers "b", "c" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{name: "windows pod exempt from v1.25", manifest: pssPod("{os: {name: windows}, containers: [{name: app, image: i}]}")},
		{
			name:     "windows pod before v1.25",
			version:  "v1.24",
			manifest: pssPod("{os: {name: windows}, containers: [{name: app, image: i}]}"),
			want:     []pssWant{{"spec.containers[0]", reason, `container "app" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{name: "not in force before v1.8", version: "v1.7", manifest: pssPod("{containers: [{name: app, image: i}]}")},
		{name: "not in force at baseline", level: "baseline", manifest: pssPod("{containers: [{name: app, image: i}]}")},
	})
}
