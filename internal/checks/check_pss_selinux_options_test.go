package checks

import "testing"

func TestPSSSELinuxOptions(t *testing.T) {
	const reason = "seLinuxOptions"
	runPSSCases(t, "pss-selinux-options", []pssCase{
		{name: "level and container type", manifest: pssPod("{securityContext: {seLinuxOptions: {level: 's0:c1,c2'}}, containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: container_init_t}}}]}")},
		{
			name:     "pod type",
			manifest: pssPod("{securityContext: {seLinuxOptions: {type: spc_t}}, containers: [{name: a, image: i}]}"),
			want:     []pssWant{{"spec.securityContext.seLinuxOptions.type", reason, `pod set forbidden securityContext.seLinuxOptions: type "spc_t"`}},
		},
		{
			name:     "container role after an allowed type",
			manifest: pssDeployment("{containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: container_t, role: object_r}}}]}"),
			want:     []pssWant{{"spec.template.spec.containers[0].securityContext.seLinuxOptions.role", reason, `container "a" set forbidden securityContext.seLinuxOptions: role may not be set`}},
		},
		{
			name:     "user on the pod, type on a container",
			level:    "baseline",
			manifest: pssPod("{securityContext: {seLinuxOptions: {user: system_u}}, containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: unconfined_t}}}]}"),
			want:     []pssWant{{"spec.securityContext.seLinuxOptions.user", reason, `pod and container "a" set forbidden securityContext.seLinuxOptions: type "unconfined_t"; user may not be set`}},
		},
		{name: "container_engine_t from v1.31", manifest: pssPod("{containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: container_engine_t}}}]}")},
		{
			name:     "container_engine_t before v1.31",
			version:  "v1.30",
			manifest: pssPod("{containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: container_engine_t}}}]}"),
			want:     []pssWant{{"spec.containers[0].securityContext.seLinuxOptions.type", reason, `container "a" set forbidden securityContext.seLinuxOptions: type "container_engine_t"`}},
		},
		{
			name:     "a type forbidden at every version is located before one forbidden only at old versions",
			version:  "v1.30",
			manifest: pssPod("{containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: container_engine_t}}}, {name: b, image: i, securityContext: {seLinuxOptions: {type: spc_t}}}]}"),
			want:     []pssWant{{"spec.containers[1].securityContext.seLinuxOptions.type", reason, `containers "a", "b" set forbidden securityContext.seLinuxOptions: types "container_engine_t", "spc_t"`}},
		},
	})
}
