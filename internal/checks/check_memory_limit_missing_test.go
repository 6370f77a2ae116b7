package checks

import "testing"

func TestMemoryLimitMissing(t *testing.T) {
	const reason = "missing memory limits"
	noResources := deployment("containers: [{name: app, image: app:1}]")
	runCases(t, "memory-limit-missing", []checkCase{
		{
			name:     "set",
			manifest: deployment("containers:\n- name: app\n  image: app:1\n  resources: {limits: {memory: 256Mi}}"),
		},
		{
			name:     "request only",
			manifest: deployment("containers:\n- name: app\n  image: app:1\n  resources: {requests: {memory: 256Mi}}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].resources", Reason: reason, Detail: `container "app" must set resources.limits.memory`}},
		},
		{
			name:     "missing in init container",
			manifest: deployment("initContainers: [{name: setup, image: setup:1}]\ncontainers:\n- name: app\n  image: app:1\n  resources: {limits: {memory: 256Mi}}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0]", Reason: reason, Detail: `init container "setup" must set resources.limits.memory`}},
		},
		{
			name:     "pod-level limit",
			manifest: pod("resources: {limits: {memory: 1Gi}}\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "limit range default",
			manifest: noResources + limitRange("shop", "type: Container\ndefault: {memory: 512Mi}"),
		},
		{
			name:     "limit range min only",
			manifest: noResources + limitRange("shop", "type: Container\nmin: {memory: 64Mi}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0]", Reason: reason, Detail: `container "app" must set resources.limits.memory`}},
		},
	})
}
