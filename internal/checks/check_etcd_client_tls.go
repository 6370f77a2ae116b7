package checks

// etcd serves its clients (the kube-apiserver) the whole state of the
// cluster, Secrets included. Unless it listens over https with a
// certificate (--cert-file, --key-file), requires client certificates
// (--client-cert-auth=true; false by default) signed by a CA it trusts
// (--trusted-ca-file), anyone who reaches its client port reads and writes
// every object with no authentication. --auto-tls makes a self-signed
// certificate no client can verify.
//
// Inspected: those flags and --listen-client-urls (http://localhost:2379
// by default) of every etcd (static pod or process). An etcd given
// --config-file ignores its other flags and is not judged here.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "etcd-client-tls",
		Title:       "etcd serves clients without mutual TLS",
		Category:    check.Tampering,
		Severity:    check.High,
		Description: "Unless etcd listens for clients over https with a certificate, requires client certificates (--client-cert-auth=true, false by default) and verifies them against a CA (--trusted-ca-file), anyone who reaches its client port can read and rewrite every object of the cluster, Secrets included. --auto-tls makes a self-signed certificate that clients cannot verify.",
		Remediation: "Set --cert-file, --key-file, --client-cert-auth=true and --trusted-ca-file (a CA for etcd alone) on etcd, use https URLs in --listen-client-urls, and remove --auto-tls.",
		CIS:         "2.1, 2.2, 2.3",
		References: []string{
			"https://etcd.io/docs/v3.6/op-guide/security/",
			"https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.Etcd) {
			if etcdConfigFile(c) {
				continue
			}
			out = append(out, etcdTLSFindings(c, etcdTLS{
				prefix: "", side: "clients", listen: "listen-client-urls", defaultListen: "http://localhost:2379",
			}, "etcd clients without mutual TLS")...)
		}
		return out
	}))
}
