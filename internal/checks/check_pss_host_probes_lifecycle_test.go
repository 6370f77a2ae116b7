package checks

import "testing"

func TestPSSHostProbesLifecycle(t *testing.T) {
	const reason = "probe or lifecycle host"
	runCases(t, "pss-host-probes-lifecycle", []checkCase{
		{name: "no host", manifest: pod("{containers: [{name: app, image: i, livenessProbe: {httpGet: {port: 80, host: ''}}, lifecycle: {preStop: {httpGet: {port: 80}}}}]}")},
		{
			name:     "liveness probe tcpSocket",
			manifest: pod("{containers: [{name: app, image: i, readinessProbe: {httpGet: {port: 80}}, livenessProbe: {tcpSocket: {port: 80, host: 10.0.0.1}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].livenessProbe.tcpSocket.host", Reason: reason, Detail: `container "app" uses probe or lifecycle host "10.0.0.1"`}},
		},
		{
			name:     "startup probe httpGet",
			manifest: pod("{containers: [{name: app, image: i, startupProbe: {httpGet: {port: 80, host: example.com}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].startupProbe.httpGet.host", Reason: reason, Detail: `container "app" uses probe or lifecycle host "example.com"`}},
		},
		{
			name:     "postStart lifecycle in the second container",
			level:    "baseline",
			manifest: deployment("{containers: [{name: a, image: i}, {name: b, image: i, lifecycle: {postStart: {httpGet: {port: 80, host: 169.254.169.254}}, preStop: {tcpSocket: {port: 1, host: h}}}}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[1].lifecycle.postStart.httpGet.host", Reason: reason, Detail: `container "b" uses probe or lifecycle hosts "169.254.169.254", "h"`}},
		},
		{
			name:     "preStop lifecycle",
			manifest: pod("{containers: [{name: a, image: i, lifecycle: {preStop: {tcpSocket: {port: 1, host: h}}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].lifecycle.preStop.tcpSocket.host", Reason: reason, Detail: `container "a" uses probe or lifecycle host "h"`}},
		},
		{name: "not in force before v1.34", version: "v1.33", manifest: pod("{containers: [{name: a, image: i, startupProbe: {httpGet: {port: 80, host: h}}}]}")},
	})
}
