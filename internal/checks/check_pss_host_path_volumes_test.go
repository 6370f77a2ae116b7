package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestPSSHostPathVolumes(t *testing.T) {
	runCases(t, "pss-host-path-volumes", []checkCase{
		{name: "no hostPath", level: "baseline", manifest: pod("{containers: [{name: app, image: i}], volumes: [{name: a, emptyDir: {}}, {name: b, nfs: {server: s, path: /}}]}")},
		{
			name:     "second volume",
			level:    "baseline",
			manifest: deployment("{containers: [{name: app, image: i}], volumes: [{name: a, emptyDir: {}}, {name: b, hostPath: {path: /etc}}, {name: c, hostPath: {path: /var}}]}"),
			want:     []finding{{Object: "Deployment shop/app", Path: "spec.template.spec.volumes[1].hostPath", Reason: "hostPath volumes", Detail: `volumes "b", "c"`, Severity: check.Critical}},
		},
		{
			name:     "reported under its own ID where restrictedVolumes replaces it (restricted)",
			manifest: pod("{containers: [{name: app, image: i}], volumes: [{name: b, hostPath: {path: /etc}}]}"),
			want:     []finding{{Object: "Pod shop/app", Path: "spec.volumes[0].hostPath", Reason: "hostPath volumes", Detail: `volume "b"`, Severity: check.Critical}},
		},
	})
}

// TestPSSHostPathVolumesGrade grades a pod by its most exposed hostPath.
func TestPSSHostPathVolumesGrade(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  check.Severity
	}{
		{"runtime socket", []string{"/var/run/docker.sock"}, check.Critical},
		{"socket directory", []string{"/run/containerd"}, check.Critical},
		{"node system directory", []string{"/proc"}, check.Critical},
		{"kubelet credentials", []string{"/var/lib/kubelet/pki"}, check.Critical},
		{"other path", []string{"/opt/cni/bin"}, 0},
		{"log directory", []string{"/var/log"}, check.Medium},
		{"log directory and lock file", []string{"/var/log", "/run/xtables.lock"}, check.Medium},
		{"lock file", []string{"/run/xtables.lock"}, check.Low},
		{"lock file and socket", []string{"/run/xtables.lock", "/var/run/crio/crio.sock"}, check.Critical},
		{"log directory and other path", []string{"/var/log", "/data"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			volumes := ""
			for i, p := range tc.paths {
				volumes += "- {name: v" + string(rune('a'+i)) + ", hostPath: {path: \"" + p + "\"}}\n"
			}
			manifest := pod("containers: [{name: app, image: i}]\nvolumes:\n" + volumes)
			fs := run(registered(t, "pss-host-path-volumes"), load(t, "test.yaml", manifest), caseOptions(t, "baseline", ""))
			if len(fs) != 1 {
				t.Fatalf("got %d findings, want 1", len(fs))
			}
			if fs[0].Severity != tc.want {
				t.Errorf("severity = %v, want %v", fs[0].Severity, tc.want)
			}
		})
	}
}
