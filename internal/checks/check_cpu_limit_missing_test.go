package checks

import (
	"strings"
	"testing"
)

// wlLimitRange returns a LimitRange in namespace ns with one item.
func wlLimitRange(ns, item string) string {
	return "---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults, namespace: " + ns + "}\nspec:\n  limits:\n  - " +
		strings.TrimPrefix(wlIndent(item, "    "), "    ")
}

func TestCPULimitMissing(t *testing.T) {
	const reason = "missing cpu limits"
	noResources := wlDeployment("containers: [{name: app, image: app:1}]")
	wlRunCases(t, "cpu-limit-missing", []wlCase{
		{
			name:     "set",
			manifest: wlDeployment("containers:\n- name: app\n  image: app:1\n  resources: {limits: {cpu: 500m}}"),
		},
		{
			name: "missing, per container",
			manifest: wlDeployment(`initContainers:
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
			want: []wlFinding{
				{Object: "Deployment/app", Path: "spec.template.spec.initContainers[0]", Reason: reason, Detail: `init container "setup" must set resources.limits.cpu`},
				{Object: "Deployment/app", Path: "spec.template.spec.containers[0].resources.limits", Reason: reason, Detail: `container "app" must set resources.limits.cpu`},
				{Object: "Deployment/app", Path: "spec.template.spec.containers[1].resources", Reason: reason, Detail: `container "sidecar" must set resources.limits.cpu`},
			},
		},
		{
			name:     "pod-level limit",
			manifest: wlDeployment("resources: {limits: {cpu: \"2\"}}\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "limit range default",
			manifest: noResources + wlLimitRange("shop", "type: Container\ndefault: {cpu: 500m}"),
		},
		{
			name:     "limit range max",
			manifest: noResources + wlLimitRange("shop", "type: Container\nmax: {cpu: \"2\"}"),
		},
		{
			name:     "limit range default request only",
			manifest: noResources + wlLimitRange("shop", "type: Container\ndefaultRequest: {cpu: 100m}"),
			want:     []wlFinding{{Object: "Deployment/app", Path: "spec.template.spec.containers[0]", Reason: reason, Detail: `container "app" must set resources.limits.cpu`}},
		},
		{
			name:     "limit range for pods",
			manifest: noResources + wlLimitRange("shop", "type: Pod\nmax: {cpu: \"2\"}"),
			want:     []wlFinding{{Object: "Deployment/app", Path: "spec.template.spec.containers[0]", Reason: reason, Detail: `container "app" must set resources.limits.cpu`}},
		},
		{
			name:     "limit range in another namespace",
			manifest: noResources + wlLimitRange("billing", "type: Container\ndefault: {cpu: 500m}"),
			want:     []wlFinding{{Object: "Deployment/app", Path: "spec.template.spec.containers[0]", Reason: reason, Detail: `container "app" must set resources.limits.cpu`}},
		},
		{
			name:     "ephemeral containers are not inspected",
			manifest: wlPod("containers:\n- name: app\n  image: app:1\n  resources: {limits: {cpu: 500m}}\nephemeralContainers: [{name: debugger, image: busybox}]"),
		},
	})
}
