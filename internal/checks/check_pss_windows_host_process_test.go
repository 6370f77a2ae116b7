package checks

import "testing"

func TestPSSWindowsHostProcess(t *testing.T) {
	const reason = "hostProcess"
	runPSSCases(t, "pss-windows-host-process", []pssCase{
		{name: "false", manifest: pssPod("{securityContext: {windowsOptions: {hostProcess: false}}, containers: [{name: a, image: i, securityContext: {windowsOptions: {runAsUserName: u}}}]}")},
		{
			name:     "pod",
			manifest: pssDeployment("{hostNetwork: true, securityContext: {windowsOptions: {hostProcess: true}}, containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.template.spec.securityContext.windowsOptions.hostProcess", reason, "pod must not set securityContext.windowsOptions.hostProcess=true"}},
		},
		{
			name:     "containers",
			level:    "baseline",
			manifest: pssPod("{containers: [{name: a, image: i}, {name: b, image: i, securityContext: {windowsOptions: {hostProcess: true}}}, {name: c, image: i, securityContext: {windowsOptions: {hostProcess: true}}}]}"),
			want:     []pssWant{{"spec.containers[1].securityContext.windowsOptions.hostProcess", reason, `containers "b", "c" must not set securityContext.windowsOptions.hostProcess=true`}},
		},
	})
}
