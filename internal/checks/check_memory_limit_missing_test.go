package checks

import "testing"

func TestMemoryLimitMissing(t *testing.T) {
	const reason = "missing memory limits"
	noResources := wlDeployment("containers: [{name: app, image: app:1}]")
	wlRunCases(t, "memory-limit-missing", []wlCase{
		{
			name:     "set",
			manifest: wlDeployment("containers:\n- name: app\n  image: app:1\n  resources: {limits: {memory: 256Mi}}"),
		},
		{
			name:     "request only",
			manifest: wlDeployment("containers:\n- name: app\n  image: app:1\n  resources: {requests: {memory: 256Mi}}"),
			want:     []wlFinding{{Object: "Deployment/app", Path: "spec.template.spec.containers[0].resources", Reason: reason, Detail: `container "app" must set resources.limits.memory`}},
		},
		{
			name:     "missing in init container",
			manifest: wlDeployment("initContainers: [{name: setup, image: setup:1}]\ncontainers:\n- name: app\n  image: app:1\n  resources: {limits: {memory: 256Mi}}"),
			want:     []wlFinding{{Object: "Deployment/app", Path: "spec.template.spec.initContainers[0]", Reason: reason, Detail: `init container "setup" must set resources.limits.memory`}},
		},
		{
			name:     "pod-level limit",
			manifest: wlPod("resources: {limits: {memory: 1Gi}}\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "limit range default",
			manifest: noResources + wlLimitRange("shop", "type: Container\ndefault: {memory: 512Mi}"),
		},
		{
			name:     "limit range min only",
			manifest: noResources + wlLimitRange("shop", "type: Container\nmin: {memory: 64Mi}"),
			want:     []wlFinding{{Object: "Deployment/app", Path: "spec.template.spec.containers[0]", Reason: reason, Detail: `container "app" must set resources.limits.memory`}},
		},
	})
}
