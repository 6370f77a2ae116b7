package checks

import "testing"

func TestPSSHostNamespaces(t *testing.T) {
	runPSSCases(t, "pss-host-namespaces", []pssCase{
		{name: "all false", manifest: pssPod("{hostNetwork: false, hostPID: false, hostIPC: false, containers: [{name: app, image: i}]}")},
		{
			name:     "host network",
			manifest: pssDeployment("{hostNetwork: true, containers: [{name: app, image: i}]}"),
			want:     []pssWant{{"spec.template.spec.hostNetwork", "host namespaces", "hostNetwork=true"}},
		},
		{
			name:     "host PID and IPC",
			level:    "baseline",
			manifest: pssPod("{hostIPC: true, hostPID: true, containers: [{name: app, image: i}]}"),
			want:     []pssWant{{"spec.hostPID", "host namespaces", "hostPID=true, hostIPC=true"}},
		},
		{
			name:     "only IPC",
			version:  "v1.0",
			manifest: pssPod("{hostIPC: true, containers: [{name: app, image: i}]}"),
			want:     []pssWant{{"spec.hostIPC", "host namespaces", "hostIPC=true"}},
		},
	})
}
