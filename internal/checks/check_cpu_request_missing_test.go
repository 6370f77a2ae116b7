package checks

import "testing"

func TestCPURequestMissing(t *testing.T) {
	const reason = "missing cpu requests"
	noResources := deployment("containers: [{name: app, image: app:1}]")
	runCases(t, "cpu-request-missing", []checkCase{
		{
			name:     "set",
			manifest: deployment("containers:\n- name: app\n  image: app:1\n  resources: {requests: {cpu: 100m}}"),
		},
		{
			name:     "limit provides the request",
			manifest: deployment("containers:\n- name: app\n  image: app:1\n  resources: {limits: {cpu: 500m}}"),
		},
		{
			name: "missing",
			manifest: deployment(`containers:
- name: app
  image: app:1
  resources: {requests: {memory: 64Mi}}
- name: sidecar
  image: sidecar:1
  resources: {limits: {memory: 64Mi}}
- name: bare
  image: bare:1
`),
			want: []finding{
				{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].resources.requests", Reason: reason, Detail: `container "app" must set resources.requests.cpu`},
				{Object: "Deployment shop/app", Path: "spec.template.spec.containers[1].resources", Reason: reason, Detail: `container "sidecar" must set resources.requests.cpu`},
				{Object: "Deployment shop/app", Path: "spec.template.spec.containers[2]", Reason: reason, Detail: `container "bare" must set resources.requests.cpu`},
			},
		},
		{
			name:     "pod-level request",
			manifest: deployment("resources: {requests: {cpu: 250m}}\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "limit range default request",
			manifest: noResources + limitRange("shop", "type: Container\ndefaultRequest: {cpu: 100m}"),
		},
		{
			name:     "limit range min",
			manifest: noResources + limitRange("shop", "type: Container\nmin: {cpu: 50m}"),
		},
		{
			name:     "limit range for another resource",
			manifest: noResources + limitRange("shop", "type: Container\ndefault: {memory: 128Mi}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0]", Reason: reason, Detail: `container "app" must set resources.requests.cpu`}},
		},
	})
}
