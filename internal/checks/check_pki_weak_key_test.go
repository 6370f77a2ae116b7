package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/host/pkitest"
)

func TestPKIWeakKey(t *testing.T) {
	// A P-256 serving certificate: strong enough.
	ecdsa := func(files map[string][]byte) {
		ca := pkitest.New(t, nil, "kubernetes", pkitest.Key(t, "ca", "rsa2048"), true, pkiNow, pkiNow.AddDate(10, 0, 0))
		files["etc/kubernetes/pki/ca.crt"] = ca.PEM()
		c := pkitest.New(t, ca, "kube-apiserver", pkitest.Key(t, "apiserver", "p256"), false, pkiNow, pkiNow.AddDate(1, 0, 0))
		files["etc/kubernetes/pki/apiserver.crt"] = c.PEM()
		files["etc/kubernetes/pki/apiserver.key"] = pkitest.KeyPEM(t, c.Key, true)
	}
	// A certificate whose key was not read.
	certOnly := func(files map[string][]byte) { delete(files, "etc/kubernetes/pki/ca.key") }
	runCases(t, "pki-weak-key", []checkCase{{
		name: "kubeadm's RSA 2048-bit keys",
		host: pkiNode(t, pkitest.Options{}, nil),
	}, {
		name: "ECDSA P-256",
		host: pkiNode(t, pkitest.Options{}, ecdsa),
	}, {
		name: "a 1024-bit CA, a P-224 server certificate, a 1024-bit service-account key",
		host: pkiNode(t, pkitest.Options{WeakKeys: true, WeakSA: true}, nil),
		want: []finding{{
			Object: "File /etc/kubernetes/pki/apiserver.key", Reason: "weak key",
			Detail: "the key of /etc/kubernetes/pki/apiserver.key, /etc/kubernetes/pki/apiserver.crt must be ECDSA on a curve of at least 256 bits (P-256), not ECDSA P-224",
		}, {
			Object: "File /etc/kubernetes/pki/ca.key", Reason: "weak key",
			Detail: "the key of /etc/kubernetes/pki/ca.key, /etc/kubernetes/pki/ca.crt must be RSA of at least 2048 bits, not RSA 1024-bit",
		}, {
			Object: "File /etc/kubernetes/pki/sa.key", Reason: "weak key",
			Detail: "the key of /etc/kubernetes/pki/sa.key, /etc/kubernetes/pki/sa.pub must be RSA of at least 2048 bits, not RSA 1024-bit",
		}},
	}, {
		name: "a weak certificate without its key",
		host: pkiNode(t, pkitest.Options{WeakKeys: true}, func(files map[string][]byte) {
			certOnly(files)
			delete(files, "etc/kubernetes/pki/apiserver.key")
			delete(files, "etc/kubernetes/pki/apiserver.crt")
		}),
		want: []finding{{
			Object: "File /etc/kubernetes/pki/ca.crt", Reason: "weak key",
			Detail: "the key of /etc/kubernetes/pki/ca.crt must be RSA of at least 2048 bits, not RSA 1024-bit",
		}},
	}})
}
