package checks

// kubeadm gives the cluster, etcd and the front proxy each their own
// certificate authority: a client certificate the cluster CA signs (any
// user's, any kubelet's) is then no etcd client, and no front-proxy
// certificate that may assert any user to the API server through
// requestheader authentication. When two of them are one CA, a certificate
// issued for one purpose is trusted for the other: the separate trust for
// internal and external traffic is gone.
//
// Inspected: the certificates the node command read at the CA files: the
// kube-apiserver's --client-ca-file (cluster), --etcd-cafile (etcd) and
// --requestheader-client-ca-file (front proxy), else kubeadm's
// etc/kubernetes/pki/ca.crt, etcd/ca.crt and front-proxy-ca.crt. Allowed:
// three CAs, none the same certificate or the same key as another.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "pki-shared-ca",
		Title:       "Certificate authority shared by the cluster, etcd or the front proxy",
		Category:    check.Spoofing,
		Severity:    check.High,
		NeedsHost:   true,
		Description: "When the cluster, etcd and the front proxy do not each have their own certificate authority, a certificate issued for one is trusted by the other: any client certificate of the cluster reaches etcd, which holds every Secret, or authenticates as the front proxy, which may assert any user to the API server.",
		Remediation: "Give etcd and the front proxy their own certificate authorities (kubeadm's etcd/ca.crt and front-proxy-ca.crt), reissue their certificates from them, and point --etcd-cafile, etcd's --trusted-ca-file and --requestheader-client-ca-file at them.",
		CIS:         "2.7",
		References: []string{
			"https://kubernetes.io/docs/setup/best-practices/certificates/",
			"https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/#ca-reusage-and-conflicts",
		},
	}, func(v *nodeView) []check.Finding {
		n := v.inv.Host
		if n == nil {
			return nil
		}
		type role struct{ name, path string }
		roles := []role{{name: "cluster"}, {name: "etcd"}, {name: "front-proxy"}}
		roles[0].path, _, _ = v.flagPath(host.APIServer, "client-ca-file", pkiDir+"/ca.crt")
		roles[1].path, _, _ = v.flagPath(host.APIServer, "etcd-cafile", pkiDir+"/etcd/ca.crt")
		roles[2].path, _, _ = v.flagPath(host.APIServer, "requestheader-client-ca-file", pkiDir+"/front-proxy-ca.crt")
		var out []check.Finding
		shared := map[[2]int]bool{}
		for i := range roles {
			for j := i + 1; j < len(roles); j++ {
				how := sameCA(certificatesAt(n, roles[i].path), certificatesAt(n, roles[j].path))
				if how == "" {
					continue
				}
				shared[[2]int{i, j}] = true
				// A third pair sharing with the same first CA says nothing new.
				if i > 0 && shared[[2]int{0, i}] && shared[[2]int{0, j}] {
					continue
				}
				out = append(out, fileAt(roles[j].path, "certificate authority shared",
					fmt.Sprintf("the %s CA %s must not be the %s CA %s (%s)", roles[j].name, roles[j].path, roles[i].name, roles[i].path, how)))
			}
		}
		return out
	}))
}

// sameCA says how two CA files hold one CA: "the same certificate", "the
// same key"; "" when they do not.
func sameCA(a, b []host.Certificate) string {
	key := ""
	for _, x := range a {
		for _, y := range b {
			switch {
			case x.Fingerprint == y.Fingerprint:
				return "the same certificate"
			case x.Key.Fingerprint != "" && x.Key.Fingerprint == y.Key.Fingerprint:
				key = "the same key"
			}
		}
	}
	return key
}
