package checks

import "testing"

func TestEphemeralStorageLimitMissing(t *testing.T) {
	const reason = "missing ephemeral-storage limits"
	wlRunCases(t, "ephemeral-storage-limit-missing", []wlCase{
		{
			name:     "set",
			manifest: wlDeployment("containers:\n- name: app\n  image: app:1\n  resources: {limits: {ephemeral-storage: 1Gi}}"),
		},
		{
			name:     "request only",
			manifest: wlDeployment("containers:\n- name: app\n  image: app:1\n  resources: {requests: {ephemeral-storage: 1Gi}}"),
			want: []wlFinding{{
				Object: "Deployment/app", Path: "spec.template.spec.containers[0].resources", Reason: reason,
				Detail: `container "app" must set resources.limits.ephemeral-storage`,
			}},
		},
		{
			name:     "missing",
			manifest: wlDeployment("initContainers: [{name: setup, image: setup:1}]\ncontainers:\n- name: app\n  image: app:1\n  resources: {limits: {cpu: 500m, memory: 128Mi}}"),
			want: []wlFinding{
				{Object: "Deployment/app", Path: "spec.template.spec.initContainers[0]", Reason: reason, Detail: `init container "setup" must set resources.limits.ephemeral-storage`},
				{Object: "Deployment/app", Path: "spec.template.spec.containers[0].resources.limits", Reason: reason, Detail: `container "app" must set resources.limits.ephemeral-storage`},
			},
		},
		{
			name:     "limit range default",
			manifest: wlDeployment("containers: [{name: app, image: app:1}]") + wlLimitRange("shop", "type: Container\ndefault: {ephemeral-storage: 2Gi}"),
		},
	})
}
