package checks

import "testing"

func TestPSSSysctls(t *testing.T) {
	runCases(t, "pss-sysctls", []checkCase{
		{name: "safe sysctls", manifest: pod("{securityContext: {sysctls: [{name: kernel.shm_rmid_forced, value: '1'}, {name: net.ipv4.tcp_notsent_lowat, value: '1'}]}, containers: [{name: a, image: i}]}")},
		{
			name:     "unsafe after a safe one",
			manifest: deployment("{securityContext: {sysctls: [{name: net.ipv4.tcp_syncookies, value: '1'}, {name: kernel.msgmax, value: '1'}]}, containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.securityContext.sysctls[1].name", Reason: "forbidden sysctls", Detail: "kernel.msgmax"}},
		},
		{
			name:     "safe only from v1.29",
			level:    "baseline",
			version:  "v1.28",
			manifest: pod("{securityContext: {sysctls: [{name: net.ipv4.tcp_fin_timeout, value: '30'}]}, containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.securityContext.sysctls[0].name", Reason: "forbidden sysctls", Detail: "net.ipv4.tcp_fin_timeout"}},
		},
		{
			name:     "safe from v1.29",
			level:    "baseline",
			version:  "v1.29",
			manifest: pod("{securityContext: {sysctls: [{name: net.ipv4.tcp_fin_timeout, value: '30'}]}, containers: [{name: a, image: i}]}"),
		},
	})
}
