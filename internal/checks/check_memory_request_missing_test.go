package checks

import "testing"

func TestMemoryRequestMissing(t *testing.T) {
	const reason = "missing memory requests"
	wlRunCases(t, "memory-request-missing", []wlCase{
		{
			name:     "set",
			manifest: wlDeployment("containers:\n- name: app\n  image: app:1\n  resources: {requests: {memory: 64Mi}}"),
		},
		{
			name:     "limit provides the request",
			manifest: wlDeployment("containers:\n- name: app\n  image: app:1\n  resources: {limits: {memory: 64Mi}}"),
		},
		{
			name:     "missing in init and regular containers",
			manifest: wlDeployment("initContainers: [{name: setup, image: setup:1}]\ncontainers:\n- name: app\n  image: app:1\n  resources: {requests: {cpu: 100m}}"),
			want: []wlFinding{
				{Object: "Deployment/app", Path: "spec.template.spec.initContainers[0]", Reason: reason, Detail: `init container "setup" must set resources.requests.memory`},
				{Object: "Deployment/app", Path: "spec.template.spec.containers[0].resources.requests", Reason: reason, Detail: `container "app" must set resources.requests.memory`},
			},
		},
		{
			name:     "pod-level limit",
			manifest: wlPod("resources: {limits: {memory: 1Gi}}\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "limit range max",
			manifest: wlDeployment("containers: [{name: app, image: app:1}]") + wlLimitRange("shop", "type: Container\nmax: {memory: 1Gi}"),
		},
	})
}
