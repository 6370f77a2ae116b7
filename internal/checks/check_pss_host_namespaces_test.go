package checks

import "testing"

func TestPSSHostNamespaces(t *testing.T) {
	runCases(t, "pss-host-namespaces", []checkCase{
		{name: "all false", manifest: pod("{hostNetwork: false, hostPID: false, hostIPC: false, containers: [{name: app, image: i}]}")},
		{
			name:     "host network",
			manifest: deployment("{hostNetwork: true, containers: [{name: app, image: i}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.hostNetwork", Reason: "host namespaces", Detail: "hostNetwork=true"}},
		},
		{
			name:     "host PID and IPC",
			level:    "baseline",
			manifest: pod("{hostIPC: true, hostPID: true, containers: [{name: app, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.hostPID", Reason: "host namespaces", Detail: "hostPID=true, hostIPC=true"}},
		},
		{
			name:     "only IPC",
			version:  "v1.0",
			manifest: pod("{hostIPC: true, containers: [{name: app, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.hostIPC", Reason: "host namespaces", Detail: "hostIPC=true"}},
		},
	})
}
