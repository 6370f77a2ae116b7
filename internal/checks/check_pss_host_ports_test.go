package checks

import "testing"

func TestPSSHostPorts(t *testing.T) {
	runCases(t, "pss-host-ports", []checkCase{
		{name: "container ports only", manifest: pod("{containers: [{name: app, image: i, ports: [{containerPort: 80}, {containerPort: 81, hostPort: 0}]}]}")},
		{
			name:     "one host port",
			manifest: pod("{containers: [{name: app, image: i, ports: [{containerPort: 80}, {containerPort: 443, hostPort: 8443}]}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].ports[1].hostPort", Reason: "hostPort", Detail: `container "app" uses hostPort 8443`}},
		},
		{
			name:     "init and regular containers",
			level:    "baseline",
			manifest: deployment("{initContainers: [{name: setup, image: i, ports: [{containerPort: 1, hostPort: 9000}]}], containers: [{name: app, image: i, ports: [{containerPort: 2, hostPort: 80}]}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0].ports[0].hostPort", Reason: "hostPort", Detail: `containers "setup", "app" use hostPorts 80, 9000`}},
		},
	})
}
