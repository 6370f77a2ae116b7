package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/host/pkitest"
)

func TestPKISharedCA(t *testing.T) {
	// etcd's CA, reissued with the cluster CA's key.
	sameKey := func(files map[string][]byte) {
		ca := pkitest.New(t, nil, "etcd-ca", pkitest.Key(t, "ca", "rsa2048"), true, pkiNow, pkiNow.AddDate(10, 0, 0))
		files["etc/kubernetes/pki/etcd/ca.crt"] = ca.PEM()
	}
	// A copy of the cluster CA where --etcd-cafile points.
	copied := func(files map[string][]byte) {
		files["etc/etcd/ca.crt"] = files["etc/kubernetes/pki/ca.crt"]
	}
	runCases(t, "pki-shared-ca", []checkCase{{
		name: "kubeadm's three CAs",
		host: pkiNode(t, pkitest.Options{}, nil),
	}, {
		name: "no node read",
	}, {
		name: "one CA for all",
		host: pkiNode(t, pkitest.Options{SharedCA: true}, nil),
		want: []finding{{
			Object: "File /etc/kubernetes/pki/etcd/ca.crt", Reason: "certificate authority shared",
			Detail: "the etcd CA /etc/kubernetes/pki/etcd/ca.crt must not be the cluster CA /etc/kubernetes/pki/ca.crt (the same certificate)",
		}, {
			Object: "File /etc/kubernetes/pki/front-proxy-ca.crt", Reason: "certificate authority shared",
			Detail: "the front-proxy CA /etc/kubernetes/pki/front-proxy-ca.crt must not be the cluster CA /etc/kubernetes/pki/ca.crt (the same certificate)",
		}},
	}, {
		name: "etcd's CA certificate on the cluster CA's key",
		host: pkiNode(t, pkitest.Options{}, sameKey),
		want: []finding{{
			Object: "File /etc/kubernetes/pki/etcd/ca.crt", Reason: "certificate authority shared",
			Detail: "the etcd CA /etc/kubernetes/pki/etcd/ca.crt must not be the cluster CA /etc/kubernetes/pki/ca.crt (the same key)",
		}},
	}, {
		name:     "the API server's flags name the CA files",
		manifest: controlPlanePod("kube-apiserver", "--client-ca-file=/etc/kubernetes/pki/ca.crt", "--etcd-cafile=/etc/etcd/ca.crt"),
		host:     pkiNode(t, pkitest.Options{}, copied),
		want: []finding{{
			Object: "File /etc/etcd/ca.crt", Reason: "certificate authority shared",
			Detail: "the etcd CA /etc/etcd/ca.crt must not be the cluster CA /etc/kubernetes/pki/ca.crt (the same certificate)",
		}},
	}})
}
