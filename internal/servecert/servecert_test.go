package servecert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func writePair(t *testing.T, dir, cn string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	// Different lengths make the change visible even within the file
	// system's timestamp granularity.
	pad := []byte(cn + "\n")
	if err := os.WriteFile(certFile, append(pad, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func commonName(t *testing.T, r *Reloader) string {
	t.Helper()
	c, err := r.GetCertificate(nil)
	if err != nil || c == nil {
		t.Fatalf("GetCertificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return leaf.Subject.CommonName
}

// TestReload: a changed pair is served from the next handshake after the
// interval; a pair that does not load keeps the previous one in service;
// a pair that does not load at start is an error.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writePair(t, dir, "first")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r, err := NewReloader(certFile, keyFile, time.Minute, log)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r.now = func() time.Time { return now }
	if got := commonName(t, r); got != "first" {
		t.Fatalf("serves %q, want first", got)
	}
	writePair(t, dir, "second-one")
	if got := commonName(t, r); got != "first" {
		t.Errorf("within the interval: serves %q, want first", got)
	}
	now = now.Add(2 * time.Minute)
	if got := commonName(t, r); got != "second-one" {
		t.Errorf("after the interval: serves %q, want second-one", got)
	}
	if err := os.WriteFile(certFile, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	if got := commonName(t, r); got != "second-one" {
		t.Errorf("after a broken write: serves %q, want second-one", got)
	}
	if _, err := NewReloader(certFile, keyFile, time.Minute, log); err == nil {
		t.Error("NewReloader of a broken pair: no error")
	}
}
