package checks

// etcd members replicate the whole state of the cluster to each other over
// their peer port. Unless peers talk over https with a certificate
// (--peer-cert-file, --peer-key-file), require each other's client
// certificates (--peer-client-cert-auth=true; false by default) signed by a
// CA they trust (--peer-trusted-ca-file), anyone who reaches the peer port
// can read the replication stream or join the cluster as a member.
// --peer-auto-tls makes a self-signed certificate no peer can verify.
//
// Inspected: those flags and --listen-peer-urls (http://localhost:2380 by
// default) of every etcd (static pod or process). An etcd given
// --config-file ignores its other flags and is not judged here.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "etcd-peer-tls",
		Title:       "etcd peers talk without mutual TLS",
		Category:    check.Tampering,
		Severity:    check.High,
		Description: "Unless etcd members talk over https with certificates, require each other's certificates (--peer-client-cert-auth=true, false by default) and verify them against a CA (--peer-trusted-ca-file), anyone who reaches the peer port can read the replicated state of the cluster or pose as a member. --peer-auto-tls makes self-signed certificates that peers cannot verify.",
		Remediation: "Set --peer-cert-file, --peer-key-file, --peer-client-cert-auth=true and --peer-trusted-ca-file on etcd, use https URLs in --listen-peer-urls, and remove --peer-auto-tls.",
		CIS:         "2.4, 2.5, 2.6",
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
				prefix: "peer-", side: "peers", listen: "listen-peer-urls", defaultListen: "http://localhost:2380",
			}, "etcd peers without mutual TLS")...)
		}
		return out
	}))
}
