package checks

// With protectKernelDefaults the kubelet refuses to start when the kernel
// tunables it depends on (vm.overcommit_memory, kernel.panic,
// kernel.panic_on_oops, ...) differ from its defaults, rather than changing
// them itself: a node tuned otherwise, by mistake or by an attacker, is
// noticed.
//
// Inspected: --protect-kernel-defaults and protectKernelDefaults of every
// kubelet (flags over its KubeletConfiguration; false by default). Allowed:
// true.

import (
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	s := kubeletSetting{
		flag: "protect-kernel-defaults", field: "protectKernelDefaults",
		flagDefault: "false", fileDefault: "false",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			return boolSet(c.ProtectKernelDefaults)
		},
		ok: isTrue, want: "=true", byDefault: "the kubelet overwrites kernel tunables by default",
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "kubelet-protect-kernel-defaults",
		Title:       "Kubelet does not protect kernel defaults",
		Category:    check.Tampering,
		Severity:    check.Low,
		Description: "Without protectKernelDefaults the kubelet silently rewrites the kernel tunables it depends on instead of refusing to start when they differ, so a node whose kernel settings were changed goes unnoticed.",
		Remediation: "Set the kernel tunables the kubelet expects (vm.overcommit_memory=1, vm.panic_on_oom=0, kernel.panic=10, kernel.panic_on_oops=1) in sysctl, then set protectKernelDefaults: true in the KubeletConfiguration (or --protect-kernel-defaults).",
		References:  []string{"https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/#kubelet-config-k8s-io-v1beta1-KubeletConfiguration"},
	}, func(v *nodeView) []check.Finding {
		return judgeKubelets(v, s, "kernel defaults not protected")
	}))
}
