package checks

// The kube-controller-manager signs the kubelets' serving certificates
// (signer kubernetes.io/kubelet-serving) while the feature gate
// RotateKubeletServerCertificate is on, as it is by default. With
// --feature-gates=RotateKubeletServerCertificate=false kubelets keep
// self-signed serving certificates that no one can verify, so the API
// server cannot tell a kubelet from an impostor.
//
// Inspected: --feature-gates of every kube-controller-manager (static pod
// or process). Allowed: the gate not named, or true.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "controller-manager-kubelet-server-certificate",
		Title:       "Kubelet serving certificates not rotated",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "With --feature-gates=RotateKubeletServerCertificate=false the kube-controller-manager does not sign kubelet serving certificates, so kubelets serve self-signed certificates that the API server cannot verify and that are never rotated.",
		Remediation: "Remove RotateKubeletServerCertificate=false from the kube-controller-manager's --feature-gates (the gate is on by default).",
		CIS:         "1.3.6",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation",
			"https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.ControllerManager) {
			if on, f, named := featureGateOf(c, "RotateKubeletServerCertificate"); named && !on {
				out = append(out, flagAt(c, f, "kubelet serving certificates not rotated",
					fmt.Sprintf("%s must not set --feature-gates=RotateKubeletServerCertificate=false (kubelets keep self-signed serving certificates)", c)))
			}
		}
		return out
	}))
}
