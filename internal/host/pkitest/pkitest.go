// Package pkitest generates PKIs for tests: certificate authorities,
// certificates and keys in PEM, and a whole kubeadm-style
// etc/kubernetes/pki tree in proper and faulty variants (weak keys, a CA
// shared between the cluster, etcd and the front proxy, expired and
// expiring certificates). Keys are generated once per process and name, so
// that many variants cost little.
package pkitest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io/fs"
	"maps"
	"math/big"
	"path"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/host"
)

// KeySpec names a key's algorithm and size: "rsa2048", "rsa1024",
// "p256", "p224", "p384".
type KeySpec string

var (
	keysMu sync.Mutex
	keys   = map[string]crypto.Signer{}
)

// Key returns the key called name of spec, generated on first use.
func Key(t testing.TB, name string, spec KeySpec) crypto.Signer {
	t.Helper()
	keysMu.Lock()
	defer keysMu.Unlock()
	id := name + "/" + string(spec)
	if k, ok := keys[id]; ok {
		return k
	}
	var k crypto.Signer
	var err error
	switch spec {
	case "rsa2048":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case "rsa1024":
		k, err = rsa.GenerateKey(rand.Reader, 1024)
	case "p256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "p224":
		k, err = ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	case "p384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	default:
		t.Fatalf("pkitest: unknown key spec %q", spec)
	}
	if err != nil {
		t.Fatalf("pkitest: generate %s key: %v", spec, err)
	}
	keys[id] = k
	return k
}

// Cert is a generated certificate and its key.
type Cert struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

var serial struct {
	sync.Mutex
	n int64
}

func nextSerial() *big.Int {
	serial.Lock()
	defer serial.Unlock()
	serial.n++
	return big.NewInt(serial.n)
}

// New returns a certificate for cn with key, valid from notBefore to
// notAfter, signed by parent (self-signed when parent is nil); ca makes it
// a certificate authority.
func New(t testing.TB, parent *Cert, cn string, key crypto.Signer, ca bool, notBefore, notAfter time.Time) *Cert {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		IsCA:                  ca,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}
	if ca {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	}
	issuer, signer := tmpl, key
	if parent != nil {
		issuer, signer = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), signer)
	if err != nil {
		t.Fatalf("pkitest: create certificate %s: %v", cn, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &Cert{Cert: c, Key: key}
}

// PEM returns the certificate in PEM.
func (c *Cert) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// KeyPEM returns key in PEM as kubeadm writes it: PKCS #1 (RSA PRIVATE
// KEY) for RSA, SEC 1 (EC PRIVATE KEY) for ECDSA; pkcs8 writes PRIVATE KEY
// instead.
func KeyPEM(t testing.TB, key crypto.Signer, pkcs8 bool) []byte {
	t.Helper()
	if pkcs8 {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	}
	t.Fatalf("pkitest: unsupported key %T", key)
	return nil
}

// PublicKeyPEM returns the public half of key in PEM (PUBLIC KEY), as
// kubeadm writes sa.pub.
func PublicKeyPEM(t testing.TB, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Options choose a variant of the kubeadm PKI. The zero value, with Now
// set, is kubeadm's proper layout: three separate CAs, RSA 2048-bit keys,
// CAs valid ten years and other certificates one year from a month before
// Now.
type Options struct {
	// Now is the time the PKI is judged at.
	Now time.Time
	// WeakKeys gives the cluster CA a 1024-bit RSA key and the API
	// server's serving certificate a P-224 key.
	WeakKeys bool
	// SharedCA makes the cluster CA sign for etcd and the front proxy
	// too: etcd/ca.crt and front-proxy-ca.crt are copies of ca.crt.
	SharedCA bool
	// Expired names the certificates ("apiserver", "etcd/ca") that
	// expired a day before Now; Expiring those that expire ten days after.
	Expired, Expiring []string
	// WeakSA gives sa.key a 1024-bit RSA key; OtherSAPub writes an sa.pub
	// that is not sa.key's.
	WeakSA, OtherSAPub bool
}

// Kubeadm returns the files of a kubeadm-style PKI by path under the
// node's root ("etc/kubernetes/pki/ca.crt"): ca, front-proxy-ca and
// etcd/ca with their keys; apiserver, apiserver-kubelet-client,
// apiserver-etcd-client, front-proxy-client, etcd/server, etcd/peer and
// etcd/healthcheck-client; sa.key and sa.pub.
func Kubeadm(t testing.TB, o Options) map[string][]byte {
	t.Helper()
	if o.Now.IsZero() {
		t.Fatal("pkitest: Options.Now is not set")
	}
	has := func(list []string, name string) bool {
		for _, n := range list {
			if n == name {
				return true
			}
		}
		return false
	}
	validity := func(name string, ca bool) (time.Time, time.Time) {
		from := o.Now.AddDate(0, -1, 0)
		switch {
		case has(o.Expired, name):
			return o.Now.AddDate(-1, 0, 0), o.Now.Add(-24 * time.Hour)
		case has(o.Expiring, name):
			return from, o.Now.Add(10 * 24 * time.Hour)
		case ca:
			return from, from.AddDate(10, 0, 0)
		}
		return from, from.AddDate(1, 0, 0)
	}
	files := map[string][]byte{}
	const dir = "etc/kubernetes/pki/"
	add := func(name string, c *Cert) {
		files[dir+name+".crt"] = c.PEM()
		files[dir+name+".key"] = KeyPEM(t, c.Key, false)
	}
	ca := func(name, cn string, spec KeySpec) *Cert {
		nb, na := validity(name, true)
		c := New(t, nil, cn, Key(t, name, spec), true, nb, na)
		add(name, c)
		return c
	}
	leaf := func(parent *Cert, name, cn string, spec KeySpec) {
		nb, na := validity(name, false)
		add(name, New(t, parent, cn, Key(t, name, spec), false, nb, na))
	}
	caSpec := KeySpec("rsa2048")
	if o.WeakKeys {
		caSpec = "rsa1024"
	}
	cluster := ca("ca", "kubernetes", caSpec)
	etcd, proxy := cluster, cluster
	if o.SharedCA {
		add("etcd/ca", cluster)
		add("front-proxy-ca", cluster)
	} else {
		etcd = ca("etcd/ca", "etcd-ca", "rsa2048")
		proxy = ca("front-proxy-ca", "front-proxy-ca", "rsa2048")
	}
	apiSpec := KeySpec("rsa2048")
	if o.WeakKeys {
		apiSpec = "p224"
	}
	leaf(cluster, "apiserver", "kube-apiserver", apiSpec)
	leaf(cluster, "apiserver-kubelet-client", "kube-apiserver-kubelet-client", "rsa2048")
	leaf(etcd, "apiserver-etcd-client", "kube-apiserver-etcd-client", "rsa2048")
	leaf(proxy, "front-proxy-client", "front-proxy-client", "rsa2048")
	leaf(etcd, "etcd/server", "control-plane", "rsa2048")
	leaf(etcd, "etcd/peer", "control-plane", "rsa2048")
	leaf(etcd, "etcd/healthcheck-client", "kube-etcd-healthcheck-client", "rsa2048")
	saSpec := KeySpec("rsa2048")
	if o.WeakSA {
		saSpec = "rsa1024"
	}
	sa := Key(t, "sa", saSpec)
	files[dir+"sa.key"] = KeyPEM(t, sa, false)
	files[dir+"sa.pub"] = PublicKeyPEM(t, sa)
	if o.OtherSAPub {
		files[dir+"sa.pub"] = PublicKeyPEM(t, Key(t, "sa-other", "rsa2048"))
	}
	return files
}

// Node returns the node that holds files (paths under its root, as
// Kubeadm returns them), read with package host's readers as the node
// command reads them: *.crt as certificates, *.key as private keys, *.pub
// as public keys, the certificates linked to their issuers. Every file is
// recorded in Files owned by root, keys with mode 0600 and others 0644, as
// kubeadm writes them.
func Node(t testing.TB, files map[string][]byte) *host.Node {
	t.Helper()
	n := &host.Node{Root: "/", Files: map[string]host.FileInfo{}}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		data, nodePath := files[p], "/"+p
		mode := fs.FileMode(0o644)
		var err error
		switch path.Ext(p) {
		case ".crt":
			var certs []host.Certificate
			certs, err = host.ReadCertificates(nodePath, data)
			n.Certificates = append(n.Certificates, certs...)
		case ".key":
			var k host.PrivateKey
			k, err = host.ReadPrivateKey(nodePath, data)
			n.Keys = append(n.Keys, k)
			mode = 0o600
		case ".pub":
			var keys []host.PublicKey
			keys, err = host.ReadPublicKeys(nodePath, data)
			n.PublicKeys = append(n.PublicKeys, keys...)
		}
		if err != nil {
			t.Fatalf("pkitest: %v", err)
		}
		n.Files[nodePath] = host.FileInfo{Path: nodePath, Mode: mode}
	}
	host.LinkIssuers(n.Certificates)
	return n
}
