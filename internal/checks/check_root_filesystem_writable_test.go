package checks

import "testing"

func TestRootFilesystemWritable(t *testing.T) {
	const reason = "writable root filesystems"
	runCases(t, "root-filesystem-writable", []checkCase{
		{
			name:     "read-only",
			manifest: deployment("containers:\n- name: app\n  image: app:1\n  securityContext: {readOnlyRootFilesystem: true}"),
		},
		{
			name: "unset, no security context, false",
			manifest: deployment(`initContainers:
- name: setup
  image: setup:1
containers:
- name: app
  image: app:1
  securityContext: {runAsNonRoot: true}
- name: sidecar
  image: sidecar:1
  securityContext: {readOnlyRootFilesystem: false}
- name: ok
  image: ok:1
  securityContext: {readOnlyRootFilesystem: true}
`),
			want: []finding{
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0]", Reason: reason,
					Detail: `init container "setup" must set securityContext.readOnlyRootFilesystem=true`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].securityContext", Reason: reason,
					Detail: `container "app" must set securityContext.readOnlyRootFilesystem=true`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem", Reason: reason,
					Detail: `container "sidecar" must set securityContext.readOnlyRootFilesystem=true`,
				},
			},
		},
		{
			name: "ephemeral container",
			manifest: pod(`containers:
- name: app
  image: app:1
  securityContext: {readOnlyRootFilesystem: true}
ephemeralContainers:
- name: debugger
  image: busybox:1.36
`),
			want: []finding{{
				Object: "Pod shop/app", Path: "spec.ephemeralContainers[0]", Reason: reason,
				Detail: `ephemeral container "debugger" must set securityContext.readOnlyRootFilesystem=true`,
			}},
		},
		{
			name:     "windows pod",
			manifest: deployment("os: {name: windows}\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "pod-level field does not count",
			manifest: pod("os: {name: linux}\ncontainers: [{name: app, image: app:1}]"),
			want: []finding{{
				Object: "Pod shop/app", Path: "spec.containers[0]", Reason: reason,
				Detail: `container "app" must set securityContext.readOnlyRootFilesystem=true`,
			}},
		},
	})
}
