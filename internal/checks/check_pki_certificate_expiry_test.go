package checks

import (
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host/pkitest"
)

func TestPKICertificateExpiry(t *testing.T) {
	nodeNow = func() time.Time { return pkiNow }
	t.Cleanup(func() { nodeNow = time.Now })
	fresh := pkiNode(t, pkitest.Options{}, nil)
	runCases(t, "pki-certificate-expiry", []checkCase{{
		name: "kubeadm's PKI a month after it was made",
		host: fresh,
	}, {
		name: "an expired server certificate, an expiring CA",
		host: pkiNode(t, pkitest.Options{Expired: []string{"apiserver"}, Expiring: []string{"etcd/ca"}}, nil),
		want: []finding{{
			Object: "File /etc/kubernetes/pki/apiserver.crt", Reason: "certificate expired",
			Detail: "certificate /etc/kubernetes/pki/apiserver.crt (CN=kube-apiserver) must be renewed: it expired on 2026-05-31",
		}, {
			Object: "File /etc/kubernetes/pki/etcd/ca.crt", Reason: "certificate expiring", Severity: check.Medium,
			Detail: "certificate /etc/kubernetes/pki/etcd/ca.crt (CN=etcd-ca) must be renewed: it expires on 2026-06-11, in 10 days",
		}},
	}, {
		name: "an expired CA",
		host: pkiNode(t, pkitest.Options{Expired: []string{"front-proxy-ca"}}, nil),
		want: []finding{{
			Object: "File /etc/kubernetes/pki/front-proxy-ca.crt", Reason: "certificate expired", Severity: check.Critical,
			Detail: "certificate /etc/kubernetes/pki/front-proxy-ca.crt (CN=front-proxy-ca) must be renewed: it expired on 2026-05-31",
		}},
	}})

	// Eleven months on, kubeadm's one-year certificates are due.
	nodeNow = func() time.Time { return pkiNow.AddDate(0, 11, 0).Add(-24 * time.Hour) }
	got := runCheckOn(t, "pki-certificate-expiry", fresh)
	if len(got) != 7 {
		t.Errorf("got %d findings eleven months on, want the 7 leaf certificates", len(got))
	}
	for _, f := range got {
		if f.Severity != check.Medium || f.Reason != "certificate expiring" {
			t.Errorf("finding %+v", f)
		}
	}
}
