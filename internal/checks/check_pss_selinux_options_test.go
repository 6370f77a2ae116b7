package checks

import "testing"

func TestPSSSELinuxOptions(t *testing.T) {
	const reason = "seLinuxOptions"
	runCases(t, "pss-selinux-options", []checkCase{
		{name: "level and container type", manifest: pod("{securityContext: {seLinuxOptions: {level: 's0:c1,c2'}}, containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: container_init_t}}}]}")},
		{
			name:     "pod type",
			manifest: pod("{securityContext: {seLinuxOptions: {type: spc_t}}, containers: [{name: a, image: i}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.securityContext.seLinuxOptions.type", Reason: reason, Detail: `pod set forbidden securityContext.seLinuxOptions: type "spc_t"`}},
		},
		{
			name:     "container role after an allowed type",
			manifest: deployment("{containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: container_t, role: object_r}}}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].securityContext.seLinuxOptions.role", Reason: reason, Detail: `container "a" set forbidden securityContext.seLinuxOptions: role may not be set`}},
		},
		{
			name:     "user on the pod, type on a container",
			level:    "baseline",
			manifest: pod("{securityContext: {seLinuxOptions: {user: system_u}}, containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: unconfined_t}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.securityContext.seLinuxOptions.user", Reason: reason, Detail: `pod and container "a" set forbidden securityContext.seLinuxOptions: type "unconfined_t"; user may not be set`}},
		},
		{name: "container_engine_t from v1.31", manifest: pod("{containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: container_engine_t}}}]}")},
		{
			name:     "container_engine_t before v1.31",
			version:  "v1.30",
			manifest: pod("{containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: container_engine_t}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[0].securityContext.seLinuxOptions.type", Reason: reason, Detail: `container "a" set forbidden securityContext.seLinuxOptions: type "container_engine_t"`}},
		},
		{
			name:     "a type forbidden at every version is located before one forbidden only at old versions",
			version:  "v1.30",
			manifest: pod("{containers: [{name: a, image: i, securityContext: {seLinuxOptions: {type: container_engine_t}}}, {name: b, image: i, securityContext: {seLinuxOptions: {type: spc_t}}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.containers[1].securityContext.seLinuxOptions.type", Reason: reason, Detail: `containers "a", "b" set forbidden securityContext.seLinuxOptions: types "container_engine_t", "spc_t"`}},
		},
	})
}
