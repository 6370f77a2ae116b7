package checks

// A container that sets no seccomp profile runs Unconfined unless the
// kubelet makes RuntimeDefault the default: every system call, including
// those container escapes use, is open to it.
//
// Inspected: --seccomp-default and seccompDefault of every kubelet (flags
// over its KubeletConfiguration; false by default). Allowed: true.

import (
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	s := kubeletSetting{
		flag: "seccomp-default", field: "seccompDefault",
		flagDefault: "false", fileDefault: "false",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			return boolPtr(c.SeccompDefault)
		},
		ok: isTrue, want: "=true", byDefault: "containers without a seccomp profile run Unconfined by default",
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "kubelet-seccomp-default",
		Title:       "Kubelet runs containers Unconfined by default",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Low,
		Description: "Unless seccompDefault is on, a container that sets no seccomp profile may make every system call, including those kernel exploits and container escapes rely on.",
		Remediation: "Set seccompDefault: true in the KubeletConfiguration (or --seccomp-default), after checking that the workloads run under the RuntimeDefault profile.",
		References:  []string{"https://kubernetes.io/docs/tutorials/security/seccomp/#enable-the-use-of-runtimedefault-as-the-default-seccomp-profile-for-all-workloads"},
	}, func(v *nodeView) []check.Finding {
		return judgeKubelets(v, s, "no default seccomp profile")
	}))
}
