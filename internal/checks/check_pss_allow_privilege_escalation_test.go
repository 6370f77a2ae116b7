package checks

import "testing"

func TestPSSAllowPrivilegeEscalation(t *testing.T) {
	const (
		reason = "allowPrivilegeEscalation != false"
		appOK  = "{name: app, image: i, securityContext: {allowPrivilegeEscalation: false}}"
	)
	runCases(t, "pss-allow-privilege-escalation", []checkCase{
		{name: "false everywhere", manifest: pod("{containers: [" + appOK + "]}")},
		{
			name:     "no securityContext",
			manifest: pod("{containers: [{name: app, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0]", Reason: reason, Detail: `container "app" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{
			name:     "securityContext without the field",
			manifest: pod("{containers: [{name: app, image: i, securityContext: {runAsNonRoot: true}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].securityContext", Reason: reason, Detail: `container "app" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{
			name:     "true in an init container of a deployment",
			manifest: deployment("{initContainers: [{name: setup, image: i, securityContext: {allowPrivilegeEscalation: true}}], containers: [" + appOK + "]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation", Reason: reason, Detail: `container "setup" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{
			name:     "ephemeral container",
			manifest: pod("{containers: [" + appOK + "], ephemeralContainers: [{name: debug, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.ephemeralContainers[0]", Reason: reason, Detail: `container "debug" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{
			name:     "two containers, the first one located",
			manifest: pod("{containers: [" + appOK + ", {name: b, image: i, securityContext: {allowPrivilegeEscalation: true}}, {name: c, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[1].securityContext.allowPrivilegeEscalation", Reason: reason, Detail: `containers "b", "c" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{name: "windows pod exempt from v1.25", manifest: pod("{os: {name: windows}, containers: [{name: app, image: i}]}")},
		{
			name:     "windows pod before v1.25",
			version:  "v1.24",
			manifest: pod("{os: {name: windows}, containers: [{name: app, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0]", Reason: reason, Detail: `container "app" must set securityContext.allowPrivilegeEscalation=false`}},
		},
		{name: "not in force before v1.8", version: "v1.7", manifest: pod("{containers: [{name: app, image: i}]}")},
		{name: "not in force at baseline", level: "baseline", manifest: pod("{containers: [{name: app, image: i}]}")},
	})
}
