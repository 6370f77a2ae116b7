package checks

import "testing"

func TestPSSHostPathVolumes(t *testing.T) {
	runCases(t, "pss-host-path-volumes", []checkCase{
		{name: "no hostPath", level: "baseline", manifest: pod("{containers: [{name: app, image: i}], volumes: [{name: a, emptyDir: {}}, {name: b, nfs: {server: s, path: /}}]}")},
		{
			name:     "second volume",
			level:    "baseline",
			manifest: deployment("{containers: [{name: app, image: i}], volumes: [{name: a, emptyDir: {}}, {name: b, hostPath: {path: /etc}}, {name: c, hostPath: {path: /var}}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.volumes[1].hostPath", Reason: "hostPath volumes", Detail: `volumes "b", "c"`}},
		},
		{
			name:     "replaced by restrictedVolumes at restricted",
			manifest: pod("{containers: [{name: app, image: i}], volumes: [{name: b, hostPath: {path: /etc}}]}"),
		},
	})
}
