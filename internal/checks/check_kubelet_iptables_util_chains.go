package checks

// With makeIPTablesUtilChains the kubelet keeps the iptables chains it
// relies on (KUBE-FIREWALL, which drops martian packets to localhost
// services) in place; without it, they are whatever the node's other
// tools leave.
//
// Inspected: --make-iptables-util-chains and makeIPTablesUtilChains of
// every kubelet (flags over its KubeletConfiguration; true by default).
// Allowed: true.

import (
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	s := kubeletSetting{
		flag: "make-iptables-util-chains", field: "makeIPTablesUtilChains",
		flagDefault: "true", fileDefault: "true",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			return boolPtr(c.MakeIPTablesUtilChains)
		},
		ok: isTrue, want: "=true",
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "kubelet-iptables-util-chains",
		Title:       "Kubelet does not manage its iptables chains",
		Category:    check.Tampering,
		Severity:    check.Low,
		Description: "With makeIPTablesUtilChains off the kubelet no longer keeps its iptables utility chains in place, including the rule that drops packets from outside the node to services bound to localhost.",
		Remediation: "Remove makeIPTablesUtilChains: false from the KubeletConfiguration (or --make-iptables-util-chains=false): it is true by default.",
		CIS:         "4.2.6",
		References:  []string{"https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/#kubelet-config-k8s-io-v1beta1-KubeletConfiguration"},
	}, func(v *nodeView) []check.Finding {
		return judgeKubelets(v, s, "iptables utility chains not managed")
	}))
}
