package checks

import "testing"

func TestEphemeralStorageLimitMissing(t *testing.T) {
	const reason = "missing ephemeral-storage limits"
	runCases(t, "ephemeral-storage-limit-missing", []checkCase{
		{
			name:     "set",
			manifest: deployment("containers:\n- name: app\n  image: app:1\n  resources: {limits: {ephemeral-storage: 1Gi}}"),
		},
		{
			name:     "request only",
			manifest: deployment("containers:\n- name: app\n  image: app:1\n  resources: {requests: {ephemeral-storage: 1Gi}}"),
			want: []finding{{
				Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].resources", Reason: reason,
				Detail: `container "app" must set resources.limits.ephemeral-storage`,
			}},
		},
		{
			name:     "missing",
			manifest: deployment("initContainers: [{name: setup, image: setup:1}]\ncontainers:\n- name: app\n  image: app:1\n  resources: {limits: {cpu: 500m, memory: 128Mi}}"),
			want: []finding{
				{Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0]", Reason: reason, Detail: `init container "setup" must set resources.limits.ephemeral-storage`},
				{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].resources.limits", Reason: reason, Detail: `container "app" must set resources.limits.ephemeral-storage`},
			},
		},
		{
			name:     "limit range default",
			manifest: deployment("containers: [{name: app, image: app:1}]") + limitRange("shop", "type: Container\ndefault: {ephemeral-storage: 2Gi}"),
		},
	})
}
