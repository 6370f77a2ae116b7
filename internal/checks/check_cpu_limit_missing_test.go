package checks

import "testing"

func TestCPULimitMissing(t *testing.T) {
	const reason = "missing cpu limits"
	noResources := deployment("containers: [{name: app, image: app:1}]")
	runCases(t, "cpu-limit-missing", []checkCase{
		{
			name:     "set",
			manifest: deployment("containers:\n- name: app\n  image: app:1\n  resources: {limits: {cpu: 500m}}"),
		},
		{
			name: "missing, per container",
			manifest: deployment(`initContainers:
- name: setup
  image: setup:1
containers:
- name: app
  image: app:1
  resources: {limits: {memory: 128Mi}}
- name: sidecar
  image: sidecar:1
  resources: {requests: {cpu: 100m}}
- name: ok
  image: ok:1
  resources: {limits: {cpu: "1"}}
`),
			want: []finding{
				{Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0]", Reason: reason, Detail: `init container "setup" must set resources.limits.cpu`},
				{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].resources.limits", Reason: reason, Detail: `container "app" must set resources.limits.cpu`},
				{Object: "Deployment shop/app", Path: "spec.template.spec.containers[1].resources", Reason: reason, Detail: `container "sidecar" must set resources.limits.cpu`},
			},
		},
		{
			name:     "pod-level limit",
			manifest: deployment("resources: {limits: {cpu: \"2\"}}\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "limit range default",
			manifest: noResources + limitRange("shop", "type: Container\ndefault: {cpu: 500m}"),
		},
		{
			name:     "limit range max",
			manifest: noResources + limitRange("shop", "type: Container\nmax: {cpu: \"2\"}"),
		},
		{
			name:     "limit range default request only",
			manifest: noResources + limitRange("shop", "type: Container\ndefaultRequest: {cpu: 100m}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0]", Reason: reason, Detail: `container "app" must set resources.limits.cpu`}},
		},
		{
			name:     "limit range for pods",
			manifest: noResources + limitRange("shop", "type: Pod\nmax: {cpu: \"2\"}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0]", Reason: reason, Detail: `container "app" must set resources.limits.cpu`}},
		},
		{
			name:     "limit range in another namespace",
			manifest: noResources + limitRange("billing", "type: Container\ndefault: {cpu: 500m}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0]", Reason: reason, Detail: `container "app" must set resources.limits.cpu`}},
		},
		{
			name:     "ephemeral containers are not inspected",
			manifest: pod("containers:\n- name: app\n  image: app:1\n  resources: {limits: {cpu: 500m}}\nephemeralContainers: [{name: debugger, image: busybox}]"),
		},
	})
}
