package checks

// The kube-apiserver calls the kubelets for exec, attach, port-forward,
// logs and the proxy. Without --kubelet-client-certificate and
// --kubelet-client-key it presents no client certificate, so a kubelet that
// authenticates its callers cannot tell the API server from anyone else;
// without --kubelet-certificate-authority it does not verify the kubelet's
// serving certificate, so whoever answers on a node's address receives the
// commands, the streams and the credentials they carry.
//
// Inspected: those three flags of every kube-apiserver (static pod or
// process). Allowed: all three set. kubeadm sets the client certificate and
// key but not the authority: the kubelets' serving certificates must be
// signed by a CA the API server trusts (serverTLSBootstrap) first.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-kubelet-tls",
		Title:       "API server connects to kubelets without mutual TLS",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "Unless --kubelet-certificate-authority is set, the kube-apiserver does not verify the kubelets' serving certificates, so a host that takes over a node's address receives exec and attach streams, logs and port-forwards; without --kubelet-client-certificate and --kubelet-client-key it presents no certificate to the kubelets.",
		Remediation: "Set --kubelet-client-certificate and --kubelet-client-key on the kube-apiserver, have kubelet serving certificates signed by the cluster CA (serverTLSBootstrap: true and an approver), and set --kubelet-certificate-authority to that CA.",
		CIS:         "1.2.4, 1.2.5",
		References: []string{
			"https://kubernetes.io/docs/concepts/architecture/control-plane-node-communication/#api-server-to-kubelet",
			"https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			out = append(out, flagsRequired(c, "kubelet connections without mutual TLS",
				"the API server presents no client certificate to the kubelets", "kubelet-client-certificate", "kubelet-client-key")...)
			out = append(out, flagsRequired(c, "kubelet connections without mutual TLS",
				"the kubelets' serving certificates are not verified by default", "kubelet-certificate-authority")...)
		}
		return out
	}))
}
