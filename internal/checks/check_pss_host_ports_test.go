package checks

import "testing"

func TestPSSHostPorts(t *testing.T) {
	runPSSCases(t, "pss-host-ports", []pssCase{
		{name: "container ports only", manifest: pssPod("{containers: [{name: app, image: i, ports: [{containerPort: 80}, {containerPort: 81, hostPort: 0}]}]}")},
		{
			name:     "one host port",
			manifest: pssPod("{containers: [{name: app, image: i, ports: [{containerPort: 80}, {containerPort: 443, hostPort: 8443}]}]}"),
			want:     []pssWant{{"spec.containers[0].ports[1].hostPort", "hostPort", `container "app" uses hostPort 8443`}},
		},
		{
			name:     "init and regular containers",
			level:    "baseline",
			manifest: pssDeployment("{initContainers: [{name: setup, image: i, ports: [{containerPort: 1, hostPort: 9000}]}], containers: [{name: app, image: i, ports: [{containerPort: 2, hostPort: 80}]}]}"),
			want:     []pssWant{{"spec.template.spec.initContainers[0].ports[0].hostPort", "hostPort", `containers "setup", "app" use hostPorts 80, 9000`}},
		},
	})
}
