package checks

import "testing"

func TestPSSHostPathVolumes(t *testing.T) {
	runPSSCases(t, "pss-host-path-volumes", []pssCase{
		{name: "no hostPath", level: "baseline", manifest: pssPod("{containers: [{name: app, image: i}], volumes: [{name: a, emptyDir: {}}, {name: b, nfs: {server: s, path: /}}]}")},
		{
			name:     "second volume",
			level:    "baseline",
			manifest: pssDeployment("{containers: [{name: app, image: i}], volumes: [{name: a, emptyDir: {}}, {name: b, hostPath: {path: /etc}}, {name: c, hostPath: {path: /var}}]}"),
			want:     []pssWant{{"spec.template.spec.volumes[1].hostPath", "hostPath volumes", `volumes "b", "c"`}},
		},
		{
			name:     "replaced by restrictedVolumes at restricted",
			manifest: pssPod("{containers: [{name: app, image: i}], volumes: [{name: b, hostPath: {path: /etc}}]}"),
		},
	})
}
