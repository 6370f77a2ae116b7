package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// TestPSSOverrideSeverity: at restricted, what a replaced baseline control
// forbids (a hostPath volume, a capability beyond the default set) is
// reported under the baseline check, graded as at the baseline level; the
// restricted check reports only its own part, at its own severity.
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
		{"hostPath volume", "pss-host-path-volumes", pod("{name: h, hostPath: {path: /opt/data}}", ""), 0},
		{"hostPath volume of the node's root", "pss-host-path-volumes", pod("{name: h, hostPath: {path: /}}", ""), check.Critical},
		{"hostPath lock file", "pss-host-path-volumes", pod("{name: h, hostPath: {path: /run/xtables.lock}}", ""), check.Low},
		{"other forbidden volume", "pss-restricted-volumes", pod("{name: g, gitRepo: {repository: x}}", ""), 0},
		{"capability beyond the baseline set", "pss-capabilities-baseline", pod("", "SYS_ADMIN"), 0},
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
