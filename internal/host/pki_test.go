package host_test

import (
	"bytes"
	"crypto/rand"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/host/pkitest"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestReadCertificates(t *testing.T) {
	ca := pkitest.New(t, nil, "kubernetes", pkitest.Key(t, "ca", "rsa2048"), true, now, now.AddDate(10, 0, 0))
	leaf := pkitest.New(t, ca, "kube-apiserver", pkitest.Key(t, "apiserver", "p224"), false, now, now.AddDate(1, 0, 0))
	other := pkitest.New(t, nil, "kubernetes", pkitest.Key(t, "other", "p256"), true, now, now.AddDate(1, 0, 0))

	// A bundle as the kubelet writes it: certificate then key; then the
	// CA, then a certificate of the same name whose key did not sign it.
	bundle := bytes.Join([][]byte{leaf.PEM(), pkitest.KeyPEM(t, leaf.Key, false), ca.PEM()}, nil)
	certs, err := host.ReadCertificates("/var/lib/kubelet/pki/bundle.pem", bundle)
	if err != nil {
		t.Fatal(err)
	}
	otherCerts, err := host.ReadCertificates("/other.crt", other.PEM())
	if err != nil {
		t.Fatal(err)
	}
	certs = append(certs, otherCerts...)
	host.LinkIssuers(certs)

	type view struct {
		Path                           string
		Index                          int
		Subject, Issuer                string
		IsCA, SelfSigned               bool
		NotAfter                       time.Time
		Key                            host.KeyInfo
		Fingerprint, IssuerFingerprint string
	}
	fp := func(c *pkitest.Cert) string {
		got, err := host.ReadCertificates("x", c.PEM())
		if err != nil {
			t.Fatal(err)
		}
		return got[0].Fingerprint
	}
	keyFP := func(c *pkitest.Cert) string {
		k, err := host.ReadPublicKeys("x", pkitest.PublicKeyPEM(t, c.Key))
		if err != nil {
			t.Fatal(err)
		}
		return k[0].Key.Fingerprint
	}
	want := []view{{
		Path: "/var/lib/kubelet/pki/bundle.pem", Subject: "CN=kube-apiserver", Issuer: "CN=kubernetes",
		NotAfter: now.AddDate(1, 0, 0), Key: host.KeyInfo{Algorithm: "ECDSA", Bits: 224, Curve: "P-224", Fingerprint: keyFP(leaf)},
		Fingerprint: fp(leaf), IssuerFingerprint: fp(ca),
	}, {
		Path: "/var/lib/kubelet/pki/bundle.pem", Index: 1, Subject: "CN=kubernetes", Issuer: "CN=kubernetes", IsCA: true, SelfSigned: true,
		NotAfter: now.AddDate(10, 0, 0), Key: host.KeyInfo{Algorithm: "RSA", Bits: 2048, Fingerprint: keyFP(ca)},
		Fingerprint: fp(ca), IssuerFingerprint: fp(ca),
	}, {
		Path: "/other.crt", Subject: "CN=kubernetes", Issuer: "CN=kubernetes", IsCA: true, SelfSigned: true,
		NotAfter: now.AddDate(1, 0, 0), Key: host.KeyInfo{Algorithm: "ECDSA", Bits: 256, Curve: "P-256", Fingerprint: keyFP(other)},
		Fingerprint: fp(other), IssuerFingerprint: fp(other),
	}}
	var got []view
	for _, c := range certs {
		got = append(got, view{c.Path, c.Index, c.Subject, c.Issuer, c.IsCA, c.SelfSigned, c.NotAfter, c.Key, c.Fingerprint, c.IssuerFingerprint})
		if c.IsCA && c.SubjectKeyID == "" {
			t.Errorf("%s: no subject key id", c.Subject)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("certificates mismatch (-want +got):\n%s", diff)
	}

	// The leaf alone, without its CA, has no issuer among those read.
	alone, _ := host.ReadCertificates("/leaf.crt", leaf.PEM())
	host.LinkIssuers(alone)
	if alone[0].IssuerFingerprint != "" {
		t.Errorf("leaf without its CA is linked to %s", alone[0].IssuerFingerprint)
	}
}

func TestReadCertificatesErrors(t *testing.T) {
	ca := pkitest.New(t, nil, "kubernetes", pkitest.Key(t, "ca", "rsa2048"), true, now, now.AddDate(1, 0, 0))
	garbage := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("SECRETBYTES-not-der")})
	for _, tc := range []struct {
		name, data, want string
		n                int
	}{
		{"empty", "", "/pki/x.crt: no PEM data: not a certificate file", 0},
		{"only a key", string(pkitest.KeyPEM(t, ca.Key, false)), "/pki/x.crt: no CERTIFICATE block among 1 PEM blocks", 0},
		{"second one broken", string(ca.PEM()) + string(garbage), "/pki/x.crt: certificate 2 (PEM block 2): x509: malformed certificate", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			certs, err := host.ReadCertificates("/pki/x.crt", []byte(tc.data))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v, want %s", err, tc.want)
			}
			if len(certs) != tc.n {
				t.Errorf("got %d certificates before the error, want %d", len(certs), tc.n)
			}
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error quotes the file: %v", err)
			}
		})
	}
}

func TestReadPrivateKey(t *testing.T) {
	rsaKey := pkitest.Key(t, "ca", "rsa2048")
	ecKey := pkitest.Key(t, "apiserver", "p224")
	rsaFP := publicFingerprint(t, pkitest.PublicKeyPEM(t, rsaKey))
	ecFP := publicFingerprint(t, pkitest.PublicKeyPEM(t, ecKey))
	encrypted := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00112233445566778899AABBCCDDEEFF"}, Bytes: []byte("SECRETBYTES")})
	for _, tc := range []struct {
		name string
		data []byte
		want host.PrivateKey
	}{
		{"RSA PKCS #1", pkitest.KeyPEM(t, rsaKey, false), host.PrivateKey{Path: "/k", Key: host.KeyInfo{Algorithm: "RSA", Bits: 2048, Fingerprint: rsaFP}}},
		{"RSA PKCS #8", pkitest.KeyPEM(t, rsaKey, true), host.PrivateKey{Path: "/k", Key: host.KeyInfo{Algorithm: "RSA", Bits: 2048, Fingerprint: rsaFP}}},
		{"EC SEC 1 after its parameters", append(pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 5, 43, 129, 4, 0, 33}}), pkitest.KeyPEM(t, ecKey, false)...),
			host.PrivateKey{Path: "/k", Key: host.KeyInfo{Algorithm: "ECDSA", Bits: 224, Curve: "P-224", Fingerprint: ecFP}}},
		{"EC PKCS #8", pkitest.KeyPEM(t, ecKey, true), host.PrivateKey{Path: "/k", Key: host.KeyInfo{Algorithm: "ECDSA", Bits: 224, Curve: "P-224", Fingerprint: ecFP}}},
		{"encrypted PKCS #1", encrypted, host.PrivateKey{Path: "/k", Key: host.KeyInfo{Algorithm: "RSA"}, Encrypted: true}},
		{"encrypted PKCS #8", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte("SECRETBYTES")}), host.PrivateKey{Path: "/k", Encrypted: true}},
		{"512-bit RSA, which crypto/x509 refuses", weakRSAPEM(t, 512, false), host.PrivateKey{Path: "/k", Key: host.KeyInfo{Algorithm: "RSA", Bits: 512, Fingerprint: "-"}}},
		{"512-bit RSA in PKCS #8", weakRSAPEM(t, 512, true), host.PrivateKey{Path: "/k", Key: host.KeyInfo{Algorithm: "RSA", Bits: 512, Fingerprint: "-"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := host.ReadPrivateKey("/k", tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want.Key.Fingerprint == "-" {
				if len(got.Key.Fingerprint) != 64 {
					t.Errorf("fingerprint %q is no SHA-256", got.Key.Fingerprint)
				}
				tc.want.Key.Fingerprint = got.Key.Fingerprint
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("key mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func publicFingerprint(t *testing.T, data []byte) string {
	t.Helper()
	keys, err := host.ReadPublicKeys("/x.pub", data)
	if err != nil {
		t.Fatal(err)
	}
	return keys[0].Key.Fingerprint
}

// weakRSAPEM returns an RSA private key of bits in PEM, written by hand:
// crypto/rsa generates no key under 1024 bits. Only the modulus is a real
// product of primes; the key is no use but to be read.
func weakRSAPEM(t testing.TB, bits int, pkcs8 bool) []byte {
	t.Helper()
	p, _ := rand.Prime(rand.Reader, bits/2)
	q, _ := rand.Prime(rand.Reader, bits/2)
	n := new(big.Int).Mul(p, q)
	one := big.NewInt(1)
	der, err := asn1.Marshal(struct {
		Version               int
		N                     *big.Int
		E                     int
		D, P, Q, Dp, Dq, Qinv *big.Int
	}{0, n, 65537, one, p, q, one, one, one})
	if err != nil {
		t.Fatal(err)
	}
	if !pkcs8 {
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der})
	}
	type algo struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue
	}
	der, err = asn1.Marshal(struct {
		Version    int
		Algo       algo
		PrivateKey []byte
	}{0, algo{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}, asn1.NullRawValue}, der})
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func TestReadPrivateKeyErrors(t *testing.T) {
	cert := pkitest.New(t, nil, "x", pkitest.Key(t, "ca", "rsa2048"), true, now, now.Add(time.Hour))
	broken := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("SECRETBYTES")})
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "/etc/kubernetes/pki/ca.key: no PEM data: not a private key file"},
		{"a certificate", string(cert.PEM()), "/etc/kubernetes/pki/ca.key: no PRIVATE KEY block among 1 PEM blocks"},
		{"broken", string(broken), "/etc/kubernetes/pki/ca.key: RSA PRIVATE KEY (PEM block 1): "},
		{"unknown type", string(pem.EncodeToMemory(&pem.Block{Type: "DSA PRIVATE KEY", Bytes: []byte("SECRETBYTES")})), "/etc/kubernetes/pki/ca.key: DSA PRIVATE KEY (PEM block 1): unknown private key type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := host.ReadPrivateKey("/etc/kubernetes/pki/ca.key", []byte(tc.data))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %s...", err, tc.want)
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "U0VDUkVU") {
				t.Errorf("error quotes the key: %v", err)
			}
		})
	}
}

func TestKubeadmPKI(t *testing.T) {
	n := pkitest.Node(t, pkitest.Kubeadm(t, pkitest.Options{Now: now}))
	if len(n.Certificates) != 10 || len(n.Keys) != 11 || len(n.PublicKeys) != 1 {
		t.Fatalf("read %d certificates, %d keys, %d public keys; want 10, 11, 1", len(n.Certificates), len(n.Keys), len(n.PublicKeys))
	}
	byPath := map[string]host.Certificate{}
	for _, c := range n.Certificates {
		byPath[c.Path] = c
	}
	for leaf, ca := range map[string]string{
		"apiserver": "ca", "apiserver-kubelet-client": "ca", "apiserver-etcd-client": "etcd/ca",
		"front-proxy-client": "front-proxy-ca", "etcd/server": "etcd/ca", "etcd/peer": "etcd/ca", "etcd/healthcheck-client": "etcd/ca", "ca": "ca",
	} {
		l, c := byPath["/etc/kubernetes/pki/"+leaf+".crt"], byPath["/etc/kubernetes/pki/"+ca+".crt"]
		if l.IssuerFingerprint == "" || l.IssuerFingerprint != c.Fingerprint {
			t.Errorf("%s is not linked to %s", leaf, ca)
		}
	}
	var sa, saPub string
	for _, k := range n.Keys {
		if k.Path == "/etc/kubernetes/pki/sa.key" {
			sa = k.Key.Fingerprint
		}
	}
	saPub = n.PublicKeys[0].Key.Fingerprint
	if sa == "" || sa != saPub {
		t.Errorf("sa.key %q and sa.pub %q differ", sa, saPub)
	}
}

func FuzzReadCertificates(f *testing.F) {
	// ECDSA keys only: generating RSA keys in every fuzzing worker, under
	// coverage instrumentation, would take most of the time given.
	ca := pkitest.New(f, nil, "kubernetes", pkitest.Key(f, "fuzz-ca", "p256"), true, now, now.AddDate(1, 0, 0))
	leaf := pkitest.New(f, ca, "leaf", pkitest.Key(f, "leaf", "p224"), false, now, now.AddDate(1, 0, 0))
	f.Add(ca.PEM())
	f.Add(append(leaf.PEM(), ca.PEM()...))
	f.Add(pkitest.KeyPEM(f, leaf.Key, false))
	f.Add(pkitest.KeyPEM(f, ca.Key, true))
	f.Add(pkitest.PublicKeyPEM(f, ca.Key))
	f.Add(weakRSAPEM(f, 512, false))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, err := host.ReadCertificates("/f.crt", data)
		if err == nil && len(certs) == 0 {
			t.Fatal("no error and no certificate")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "/f.crt: ") {
			t.Fatalf("error does not name the file: %v", err)
		}
		for i, c := range certs {
			if c.Index != i || c.Path != "/f.crt" || len(c.Fingerprint) != 64 {
				t.Fatalf("certificate %d: %+v", i, c)
			}
		}
		host.LinkIssuers(certs)
		if _, err := host.ReadPrivateKey("/f.key", data); err != nil && !strings.HasPrefix(err.Error(), "/f.key: ") {
			t.Fatalf("error does not name the file: %v", err)
		}
		_, _ = host.ReadPublicKeys("/f.pub", data)
	})
}
