package checks

import "testing"

func TestHostUsersNotDisabled(t *testing.T) {
	const reason = "host user namespace"
	runCases(t, "host-users-not-disabled", []checkCase{
		{
			name:     "false",
			manifest: deployment("hostUsers: false\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "unset",
			manifest: deployment("containers: [{name: app, image: app:1}]"),
			want: []finding{{
				Object: "Deployment shop/app", Path: "spec.template.spec", Reason: reason,
				Detail: "pod spec must set hostUsers=false",
			}},
		},
		{
			name:     "true",
			manifest: pod("hostUsers: true\ncontainers: [{name: app, image: app:1}]"),
			want: []finding{{
				Object: "Pod shop/app", Path: "spec.hostUsers", Reason: reason,
				Detail: "pod spec must set hostUsers=false, not true",
			}},
		},
		{
			name:     "windows pod",
			manifest: deployment("os: {name: windows}\ncontainers: [{name: app, image: app:1}]"),
		},
	})
}
