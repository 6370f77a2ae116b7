package checks

import "testing"

func TestHostUsersNotDisabled(t *testing.T) {
	const reason = "host user namespace"
	wlRunCases(t, "host-users-not-disabled", []wlCase{
		{
			name:     "false",
			manifest: wlDeployment("hostUsers: false\ncontainers: [{name: app, image: app:1}]"),
		},
		{
			name:     "unset",
			manifest: wlDeployment("containers: [{name: app, image: app:1}]"),
			want: []wlFinding{{
				Object: "Deployment/app", Path: "spec.template.spec", Reason: reason,
				Detail: "pod spec must set hostUsers=false",
			}},
		},
		{
			name:     "true",
			manifest: wlPod("hostUsers: true\ncontainers: [{name: app, image: app:1}]"),
			want: []wlFinding{{
				Object: "Pod/app", Path: "spec.hostUsers", Reason: reason,
				Detail: "pod spec must set hostUsers=false, not true",
			}},
		},
		{
			name:     "windows pod",
			manifest: wlDeployment("os: {name: windows}\ncontainers: [{name: app, image: app:1}]"),
		},
	})
}
