package checks

import "testing"

func TestPSSHostProbesLifecycle(t *testing.T) {
	const reason = "probe or lifecycle host"
	runPSSCases(t, "pss-host-probes-lifecycle", []pssCase{
		{name: "no host", manifest: pssPod("{containers: [{name: app, image: i, livenessProbe: {httpGet: {port: 80, host: ''}}, lifecycle: {preStop: {httpGet: {port: 80}}}}]}")},
		{
			name:     "liveness probe tcpSocket",
			manifest: pssPod("{containers: [{name: app, image: i, readinessProbe: {httpGet: {port: 80}}, livenessProbe: {tcpSocket: {port: 80, host: 10.0.0.1}}}]}"),
			want:     []pssWant{{"spec.containers[0].livenessProbe.tcpSocket.host", reason, `container "app" uses probe or lifecycle host "10.0.0.1"`}},
		},
		{
			name:     "startup probe httpGet",
			manifest: pssPod("{containers: [{name: app, image: i, startupProbe: {httpGet: {port: 80, host: example.com}}}]}"),
			want:     []pssWant{{"spec.containers[0].startupProbe.httpGet.host", reason, `container "app" uses probe or lifecycle host "example.com"`}},
		},
		{
			name:     "postStart lifecycle in the second container",
			level:    "baseline",
			manifest: pssDeployment("{containers: [{name: a, image: i}, {name: b, image: i, lifecycle: {postStart: {httpGet: {port: 80, host: 169.254.169.254}}, preStop: {tcpSocket: {port: 1, host: h}}}}]}"),
			want:     []pssWant{{"spec.template.spec.containers[1].lifecycle.postStart.httpGet.host", reason, `container "b" uses probe or lifecycle hosts "169.254.169.254", "h"`}},
		},
		{
			name:     "preStop lifecycle",
			manifest: pssPod("{containers: [{name: a, image: i, lifecycle: {preStop: {tcpSocket: {port: 1, host: h}}}}]}"),
			want:     []pssWant{{"spec.containers[0].lifecycle.preStop.tcpSocket.host", reason, `container "a" uses probe or lifecycle host "h"`}},
		},
		{name: "not in force before v1.34", version: "v1.33", manifest: pssPod("{containers: [{name: a, image: i, startupProbe: {httpGet: {port: 80, host: h}}}]}")},
	})
}
