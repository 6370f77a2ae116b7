package checks

// The kubelet's read-only port (10255) serves the node's pods, their specs
// (environment variables included) and metrics with neither authentication
// nor authorization.
//
// Inspected: --read-only-port and readOnlyPort of every kubelet (flags over
// its KubeletConfiguration; a kubelet without --config opens 10255 by
// default, a configuration file leaves it closed). Allowed: 0.

import (
	"strconv"

	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	s := kubeletSetting{
		flag: "read-only-port", field: "readOnlyPort",
		flagDefault: "10255", fileDefault: "0",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			return strconv.Itoa(int(c.ReadOnlyPort)), c.ReadOnlyPort != 0
		},
		ok: is("0"), want: "=0", byDefault: "the unauthenticated read-only port 10255 is open by default",
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "kubelet-read-only-port",
		Title:       "Kubelet read-only port open",
		Category:    check.InformationDisclosure,
		Severity:    check.Medium,
		Description: "The kubelet's read-only port serves the node's pods with their full specs (environment variables included) and metrics to anyone who reaches it, without authentication or authorization.",
		Remediation: "Set readOnlyPort: 0 in the KubeletConfiguration (or --read-only-port=0).",
		CIS:         "4.2.4",
		References:  []string{"https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/#kubelet-config-k8s-io-v1beta1-KubeletConfiguration"},
	}, func(v *nodeView) []check.Finding {
		return judgeKubelets(v, s, "kubelet read-only port open")
	}))
}
