package checks

// The kube-controller-manager signs the legacy service account token
// Secrets with --service-account-private-key-file (its tokens controller
// does not run without it), and publishes --root-ca-file to pods, in every
// namespace's kube-root-ca.crt ConfigMap and in token Secrets, as the CA to
// verify the API server with. Without --root-ca-file it publishes the CA of
// its own kubeconfig, which is not necessarily the CA that signs the API
// server's serving certificate.
//
// Inspected: those two flags of every kube-controller-manager (static pod
// or process). Allowed: both set.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "controller-manager-service-account-keys",
		Title:       "Controller manager service account key or root CA not set",
		Category:    check.Spoofing,
		Severity:    check.Low,
		Description: "Without --service-account-private-key-file the kube-controller-manager cannot sign service account token Secrets with the key the API server verifies, and without --root-ca-file the CA it gives pods to verify the API server with is whatever its kubeconfig names, so pods may not be able to verify whom they talk to.",
		Remediation: "Set --service-account-private-key-file to the key the API server's --service-account-key-file verifies, and --root-ca-file to the CA of the API server's serving certificate, on the kube-controller-manager.",
		CIS:         "1.3.4, 1.3.5",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#token-controller",
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.ControllerManager) {
			out = append(out, flagsRequired(c, "service account key or root CA not set",
				"the tokens controller does not run without it", "service-account-private-key-file")...)
			out = append(out, flagsRequired(c, "service account key or root CA not set",
				"pods are given the CA of the controller manager's kubeconfig to verify the API server", "root-ca-file")...)
		}
		return out
	}))
}
