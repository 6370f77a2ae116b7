package checks

import (
	"testing"
)

func TestPSSRestrictedVolumes(t *testing.T) {
	const reason = "restricted volume types"
	runCases(t, "pss-restricted-volumes", []checkCase{
		{
			name:     "allowed types",
			manifest: pod("{containers: [{name: app, image: i}], volumes: [{name: a, emptyDir: {}}, {name: b, configMap: {name: c}}, {name: c, secret: {secretName: s}}, {name: d, persistentVolumeClaim: {claimName: p}}, {name: e, csi: {driver: d}}, {name: f, image: {reference: r}}]}"),
		},
		{
			name:     "a volume without a source is an emptyDir",
			manifest: pod("{containers: [{name: app, image: i}], volumes: [{name: scratch}]}"),
		},
		{
			name:     "hostPath is pss-host-path-volumes's",
			manifest: deployment("{containers: [{name: app, image: i}], volumes: [{name: scratch}, {name: h, hostPath: {path: /}}]}"),
		},
		{
			name:     "nfs and gitRepo",
			version:  "v1.0",
			manifest: pod("{containers: [{name: app, image: i}], volumes: [{name: a, emptyDir: {}}, {name: share, nfs: {server: s, path: /}}, {name: g, gitRepo: {repository: r}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.volumes[1].nfs", Reason: reason, Detail: `volumes "share", "g" use restricted volume types "gitRepo", "nfs"`}},
		},
		{name: "not in force at baseline", level: "baseline", manifest: pod("{containers: [{name: app, image: i}], volumes: [{name: share, nfs: {server: s, path: /}}]}")},
	})
}
