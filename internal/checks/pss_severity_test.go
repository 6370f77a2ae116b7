package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// TestPSSOverrideSeverity: at restricted, a restricted control that replaces
// a baseline one reports with the baseline control's severity when the pod
// breaks that baseline control too, and with its own otherwise.
func TestPSSOverrideSeverity(t *testing.T) {
	pod := func(volume, caps string) string {
		return `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  volumes: [` + volume + `]
  containers:
  - name: app
    image: nginx
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [` + caps + `]}}
`
	}
	tests := []struct {
		name, id, manifest string
		want               check.Severity
	}{
		{"hostPath volume", "pss-restricted-volumes", pod("{name: h, hostPath: {path: /opt/data}}", ""), check.High},
		{"hostPath volume of the node's root", "pss-restricted-volumes", pod("{name: h, hostPath: {path: /}}", ""), check.Critical},
		{"hostPath lock file", "pss-restricted-volumes", pod("{name: h, hostPath: {path: /run/xtables.lock}}", ""), 0},
		{"other forbidden volume", "pss-restricted-volumes", pod("{name: g, gitRepo: {repository: x}}", ""), 0},
		{"capability beyond the baseline set", "pss-capabilities-restricted", pod("", "SYS_ADMIN"), check.High},
		{"baseline capability restricted forbids", "pss-capabilities-restricted", pod("", "CHOWN"), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := runCheck(t, check.ID(tc.id), tc.manifest)
			if len(fs) != 1 {
				t.Fatalf("got %d findings, want 1", len(fs))
			}
			if fs[0].Severity != tc.want {
				t.Errorf("severity = %v, want %v", fs[0].Severity, tc.want)
			}
		})
	}
}
