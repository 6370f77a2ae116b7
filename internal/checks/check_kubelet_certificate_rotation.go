package checks

// A kubelet that does not rotate its client certificate keeps one
// credential for the API server until it expires: a stolen copy stays good
// as long, and the node drops out of the cluster on the day it lapses.
//
// Inspected: --rotate-certificates and rotateCertificates of every kubelet
// (flags over its KubeletConfiguration; off by default, kubeadm's
// configuration turns it on). Allowed: true.

import (
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	s := kubeletSetting{
		flag: "rotate-certificates", field: "rotateCertificates",
		flagDefault: "false", fileDefault: "false",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			return boolSet(c.RotateCertificates)
		},
		ok: isTrue, want: "=true", byDefault: "the client certificate is never renewed by default",
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "kubelet-certificate-rotation",
		Title:       "Kubelet client certificate not rotated",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "A kubelet that does not rotate its client certificate uses one credential until it expires: a stolen copy stays valid as long, and the node loses its access to the API server the day it lapses.",
		Remediation: "Set rotateCertificates: true in the KubeletConfiguration (or --rotate-certificates).",
		CIS:         "4.2.10",
		References:  []string{"https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation"},
	}, func(v *nodeView) []check.Finding {
		return judgeKubelets(v, s, "kubelet client certificate not rotated")
	}))
}
