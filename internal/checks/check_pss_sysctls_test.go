package checks

import "testing"

func TestPSSSysctls(t *testing.T) {
	runPSSCases(t, "pss-sysctls", []pssCase{
		{name: "safe sysctls", manifest: pssPod("{securityContext: {sysctls: [{name: kernel.shm_rmid_forced, value: '1'}, {name: net.ipv4.tcp_notsent_lowat, value: '1'}]}, containers: [{name: a, image: i}]}")},
		{
			name:     "unsafe after a safe one",
			manifest: pssDeployment("{securityContext: {sysctls: [{name: net.ipv4.tcp_syncookies, value: '1'}, {name: kernel.msgmax, value: '1'}]}, containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.template.spec.securityContext.sysctls[1].name", "forbidden sysctls", "kernel.msgmax"}},
		},
		{
			name:     "safe only from v1.29",
			level:    "baseline",
			version:  "v1.28",
			manifest: pssPod("{securityContext: {sysctls: [{name: net.ipv4.tcp_fin_timeout, value: '30'}]}, containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.securityContext.sysctls[0].name", "forbidden sysctls", "net.ipv4.tcp_fin_timeout"}},
		},
		{
			name:     "safe from v1.29",
			level:    "baseline",
			version:  "v1.29",
			manifest: pssPod("{securityContext: {sysctls: [{name: net.ipv4.tcp_fin_timeout, value: '30'}]}, containers: [{name: a, image: i}]}"),
		},
	})
}
