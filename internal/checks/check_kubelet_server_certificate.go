package checks

// A kubelet given neither a serving certificate nor serverTLSBootstrap
// makes itself a self-signed certificate: the API server (and anyone else)
// cannot tell it from an impostor on its address, so exec, attach and
// logs traffic can be intercepted.
//
// Inspected: --rotate-server-certificates and serverTLSBootstrap, and
// --tls-cert-file and tlsCertFile, of every kubelet (flags over its
// KubeletConfiguration; neither is set by default, nor by kubeadm).
// Allowed: serverTLSBootstrap true (a certificate signed by the cluster,
// renewed before it expires) or a tlsCertFile.

import (
	"fmt"

	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	bootstrap := kubeletSetting{
		flag: "rotate-server-certificates", field: "serverTLSBootstrap",
		flagDefault: "false", fileDefault: "false",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			return boolSet(c.ServerTLSBootstrap)
		},
		ok: isTrue,
	}
	certFile := kubeletSetting{
		flag: "tls-cert-file", field: "tlsCertFile",
		get: func(c *kubeletv1beta1.KubeletConfiguration) (string, bool) {
			return c.TLSCertFile, c.TLSCertFile != ""
		},
		ok: func(v string) bool { return v != "" },
	}
	check.Register(nodeCheck(check.Meta{
		ID:          "kubelet-server-certificate",
		Title:       "Kubelet serves a self-signed certificate",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "A kubelet with neither serverTLSBootstrap nor a tlsCertFile serves a certificate it signed itself, which the API server cannot verify: whoever takes the node's address can pose as the kubelet and read exec, attach and log traffic.",
		Remediation: "Set serverTLSBootstrap: true in the KubeletConfiguration (or --rotate-server-certificates) and approve the kubelets' serving CertificateSigningRequests, or give the kubelet a tlsCertFile and tlsPrivateKeyFile signed by the cluster CA.",
		CIS:         "4.2.9",
		References:  []string{"https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation"},
	}, func(v *nodeView) []check.Finding {
		const reason = "self-signed kubelet serving certificate"
		var out []check.Finding
		for _, k := range v.kubelets() {
			b, c := k.value(bootstrap), k.value(certFile)
			if !b.known || !c.known || bootstrap.ok(b.value) || certFile.ok(c.value) {
				continue
			}
			var detail string
			switch {
			case b.flag != nil:
				detail = fmt.Sprintf("%s must set --rotate-server-certificates=true or --tls-cert-file, not --rotate-server-certificates=%s", k.comp, b.value)
			case b.inFile:
				detail = fmt.Sprintf("KubeletConfiguration must set serverTLSBootstrap=true or tlsCertFile, not serverTLSBootstrap=%s", b.value)
			case k.cfg != nil:
				detail = "KubeletConfiguration must set serverTLSBootstrap=true or tlsCertFile (the kubelet serves a self-signed certificate by default)"
			default:
				detail = fmt.Sprintf("%s must set --rotate-server-certificates=true or --tls-cert-file (the kubelet serves a self-signed certificate by default)", k.comp)
			}
			out = append(out, k.at(bootstrap, b, reason, detail))
		}
		return out
	}))
}
