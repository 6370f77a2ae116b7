package checks

import "testing"

func TestPSSRestrictedVolumes(t *testing.T) {
	const reason = "restricted volume types"
	runPSSCases(t, "pss-restricted-volumes", []pssCase{
		{
			name:     "allowed types",
			manifest: pssPod("{containers: [{name: app, image: i}], volumes: [{name: a, emptyDir: {}}, {name: b, configMap: {name: c}}, {name: c, secret: {secretName: s}}, {name: d, persistentVolumeClaim: {claimName: p}}, {name: e, csi: {driver: d}}, {name: f, image: {reference: r}}]}"),
		},
		{
			name:     "a volume without a source is an emptyDir",
			manifest: pssPod("{containers: [{name: app, image: i}], volumes: [{name: scratch}]}"),
		},
		{
			name:     "hostPath",
			manifest: pssDeployment("{containers: [{name: app, image: i}], volumes: [{name: scratch}, {name: h, hostPath: {path: /}}]}"),
			want:     []pssWant{{"spec.template.spec.volumes[1].hostPath", reason, `volume "h" uses restricted volume type "hostPath"`}},
		},
		{
			name:     "nfs and gitRepo",
			version:  "v1.0",
			manifest: pssPod("{containers: [{name: app, image: i}], volumes: [{name: a, emptyDir: {}}, {name: share, nfs: {server: s, path: /}}, {name: g, gitRepo: {repository: r}}]}"),
			want:     []pssWant{{"spec.volumes[1].nfs", reason, `volumes "share", "g" use restricted volume types "gitRepo", "nfs"`}},
		},
		{name: "not in force at baseline", level: "baseline", manifest: pssPod("{containers: [{name: app, image: i}], volumes: [{name: share, nfs: {server: s, path: /}}]}")},
	})
}
