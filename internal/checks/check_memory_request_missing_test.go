package checks

import "testing"

func TestMemoryRequestMissing(t *testing.T) {
	const reason = "missing memory requests"
	runCases(t, "memory-request-missing", []checkCase{
		{
			name:     "set",
			manifest: deployment("containers:\n- name: app\n  image: app:1\n  resources: {requests: {memory: 64Mi}}"),
		},
		{
			name:     "limit provides the request",
			manifest: deployment("containers:\n- name: app\n  image: app:1\n  resources: {limits: {memory: 64Mi}}"),
		},
		{
			name:     "missing in init and regular containers",
			manifest: deployment("initContainers: [{name: setup, image: setup:1}]\ncontainers:\n- name: app\n  image: app:1\n  resources: {requests: {cpu: 100m}}"),
			want: []finding{
				{Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0]", Reason: reason, Detail: `init container "setup" must set resources.requests.memory`},
				{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].resources.requests", Reason: reason, Detail: `container "app" must set resources.requests.memory`},
			},
		},
		{
			name:     "pod-level limit",
			manifest: pod("resources: {limits: {memory: 1Gi}}\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "limit range max",
			manifest: deployment("containers: [{name: app, image: app:1}]") + limitRange("shop", "type: Container\nmax: {memory: 1Gi}"),
		},
	})
}
