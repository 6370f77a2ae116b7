package checks

// Without a PID limit per pod, one container's fork bomb takes every
// process ID of the node, and the kubelet, the container runtime and every
// other pod on it stop being able to start processes.
//
// Inspected: --pod-max-pids and podPidsLimit of every kubelet (flags over
// its KubeletConfiguration; -1, no limit, by default). Allowed: a positive
// number.

import (
	"strconv"

	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	s := kubeletSetting{
		flag: "pod-max-pids", field: "podPidsLimit",
		flagDefault: "-1", fileDefault: "-1",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			if c.PodPidsLimit == nil {
				return "", false
			}
			return strconv.FormatInt(*c.PodPidsLimit, 10), true
		},
		ok: func(v string) bool {
			n, err := strconv.ParseInt(v, 10, 64)
			return err == nil && n > 0
		},
		want: " to a positive number", byDefault: "pods have no PID limit by default",
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "kubelet-pod-pids-limit",
		Title:       "No PID limit per pod",
		Category:    check.DenialOfService,
		Severity:    check.Medium,
		Description: "Without podPidsLimit a pod may start processes until the node has no process IDs left: one fork bomb stops the kubelet, the container runtime and every other pod on the node from starting processes.",
		Remediation: "Set podPidsLimit in the KubeletConfiguration (or --pod-max-pids) to the most processes a pod may need, 4096 for example.",
		CIS:         "4.2.13",
		References:  []string{"https://kubernetes.io/docs/concepts/policy/pid-limiting/"},
	}, func(v *nodeView) []check.Finding {
		return judgeKubelets(v, s, "no pod PID limit")
	}))
}
