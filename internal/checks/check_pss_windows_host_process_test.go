package checks

import "testing"

func TestPSSWindowsHostProcess(t *testing.T) {
	const reason = "hostProcess"
	runCases(t, "pss-windows-host-process", []checkCase{
		{name: "false", manifest: pod("{securityContext: {windowsOptions: {hostProcess: false}}, containers: [{name: a, image: i, securityContext: {windowsOptions: {runAsUserName: u}}}]}")},
		{
			name:     "pod",
			manifest: deployment("{hostNetwork: true, securityContext: {windowsOptions: {hostProcess: true}}, containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.securityContext.windowsOptions.hostProcess", Reason: reason, Detail: "pod must not set securityContext.windowsOptions.hostProcess=true"}},
		},
		{
			name:     "containers",
			level:    "baseline",
			manifest: pod("{containers: [{name: a, image: i}, {name: b, image: i, securityContext: {windowsOptions: {hostProcess: true}}}, {name: c, image: i, securityContext: {windowsOptions: {hostProcess: true}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[1].securityContext.windowsOptions.hostProcess", Reason: reason, Detail: `containers "b", "c" must not set securityContext.windowsOptions.hostProcess=true`}},
		},
	})
}
