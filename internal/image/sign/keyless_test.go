package sign

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// ca is a certificate authority of one's own, standing in for a private
// Fulcio: it issues code-signing certificates with Fulcio's issuer
// extension.
type ca struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
}

func newCA(t *testing.T, cn string) *ca {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"kubestride test"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &ca{cert: cert, key: key, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}

// issue makes a signing key and its certificate for an email subject and an
// OIDC issuer; it writes leaf.pem (the certificate), chain.pem (the CA) and
// key.pem (the private key, PKCS#8) into dir.
func (c *ca) issue(t *testing.T, dir, email, issuer string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := asn1.MarshalWithParams(issuer, "utf8")
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:   big.NewInt(time.Now().UnixNano()),
		NotBefore:      time.Now().Add(-time.Minute),
		NotAfter:       time.Now().Add(time.Hour),
		KeyUsage:       x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		EmailAddresses: []string{email},
		ExtraExtensions: []pkix.Extension{
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}, Value: iss},
			// The deprecated raw form, which Fulcio still writes and
			// cosign's classic verification reads.
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}, Value: []byte(issuer)},
		},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		t.Fatal(err)
	}
	p8, _ := x509.MarshalPKCS8PrivateKey(key)
	write(t, filepath.Join(dir, "leaf.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	write(t, filepath.Join(dir, "chain.pem"), c.pem)
	write(t, filepath.Join(dir, "key.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})))
}

// trustedRoot writes a trusted_root.json whose only certificate authority
// is c, with no transparency log and no timestamp authority.
func (c *ca) trustedRoot(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "trusted_root.json")
	write(t, p, fmt.Sprintf(`{
  "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  "certificateAuthorities": [{
    "subject": {"organization": "kubestride test", "commonName": %q},
    "uri": "https://fulcio.example.internal",
    "certChain": {"certificates": [{"rawBytes": %q}]},
    "validFor": {"start": %q}
  }]
}`, c.cert.Subject.CommonName, base64.StdEncoding.EncodeToString(c.cert.Raw), c.cert.NotBefore.UTC().Format(time.RFC3339)))
	return p
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

const (
	signerEmail  = "release@example.com"
	signerIssuer = "https://dex.example.internal"
)

func TestKeylessSignatures(t *testing.T) {
	f := newFixture(t)
	authority := newCA(t, "kubestride test root")
	dir := t.TempDir()
	authority.issue(t, dir, signerEmail, signerIssuer)
	f.cosign.Must(dir, "import-key-pair", "--key", "key.pem", "--output-key-prefix", "imported")
	root := authority.trustedRoot(t)
	tr, err := LoadTrustedRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	otherRootPath := newCA(t, "another root").trustedRoot(t)
	otherRoot, err := LoadTrustedRoot(otherRootPath)
	if err != nil {
		t.Fatal(err)
	}

	classic := f.push("team/keyless")
	bundled := f.push("team/keyless-bundle")
	signArgs := []string{"sign", "--key", "imported.key", "--certificate", "leaf.pem", "--certificate-chain", "chain.pem", "--tlog-upload=false", "-y"}
	f.cosign.Must(dir, append(signArgs, classic)...)
	f.cosign.Must(dir, append(signArgs, "--new-bundle-format", bundled)...)

	keyless := func(image string, kl *Keyless) *Result {
		t.Helper()
		res, err := Verify(context.Background(), image, Options{Keyless: kl})
		if err != nil {
			t.Fatalf("verify %s: %v", image, err)
		}
		return res
	}
	cosignArgs := func(root, subject string) []string {
		return []string{"--trusted-root", root, "--certificate-identity", subject, "--certificate-oidc-issuer", signerIssuer, "--insecure-ignore-sct=true"}
	}

	for _, c := range []struct {
		image  string
		layout Layout
		bundle []string
	}{{classic, LayoutTag, nil}, {bundled, LayoutBundle, []string{"--new-bundle-format"}}} {
		t.Run(string(c.layout), func(t *testing.T) {
			exact := &Keyless{Root: tr, Identities: []Identity{{Issuer: signerIssuer, Subject: signerEmail}}}
			res := keyless(c.image, exact)
			if !res.Verified || len(res.Signatures) != 1 || res.Signatures[0].Layout != c.layout {
				t.Fatalf("want one verified %s signature: %+v", c.layout, res)
			}
			s := res.Signatures[0]
			if s.Signer == nil || s.Signer.Subject != signerEmail || s.Signer.Issuer != signerIssuer || s.Identity != exact.Identities[0].String() {
				t.Errorf("signer %+v identity %q", s.Signer, s.Identity)
			}
			f.agree(c.image, res, append(c.bundle, cosignArgs(root, signerEmail)...)...)

			re := &Keyless{Root: tr, Identities: []Identity{
				{Issuer: signerIssuer, Subject: "someone@example.com"},
				{IssuerRegexp: `^https://dex\.example\.internal$`, SubjectRegexp: `^[a-z]+@example\.com$`},
			}}
			if res := keyless(c.image, re); !res.Verified || res.Signatures[0].Identity != re.Identities[1].String() {
				t.Errorf("regexp identity: %+v", res)
			}

			wrong := &Keyless{Root: tr, Identities: []Identity{{Issuer: signerIssuer, Subject: "intruder@example.com"}}}
			res = keyless(c.image, wrong)
			wantRefused(t, res, IdentityMismatch, `certificate of issuer "`+signerIssuer+`", subject "`+signerEmail+`" matches none of the given identities`)
			f.agree(c.image, res, append(c.bundle, cosignArgs(root, "intruder@example.com")...)...)

			untrusted := &Keyless{Root: otherRoot, Identities: exact.Identities}
			res = keyless(c.image, untrusted)
			wantRefused(t, res, UnknownKey, "is not issued by the trusted root's certificate authorities")
			f.agree(c.image, res, append(c.bundle, cosignArgs(otherRootPath, signerEmail)...)...)

			withKey := f.verify(c.image, f.pub)
			wantRefused(t, withKey, UnknownKey, "")
		})
	}

	t.Run("a tampered keyless signature is a bad signature", func(t *testing.T) {
		img := f.push("team/keyless-tampered")
		f.cosign.Must(dir, append(signArgs, img)...)
		rewriteSig(t, img, func(payload []byte, sig string) ([]byte, string) {
			raw, _ := base64.StdEncoding.DecodeString(sig)
			raw[len(raw)-3] ^= 0x5a
			return payload, base64.StdEncoding.EncodeToString(raw)
		})
		res := keyless(img, &Keyless{Root: tr, Identities: []Identity{{Issuer: signerIssuer, Subject: signerEmail}}})
		wantRefused(t, res, BadSignature, "does not verify with its certificate")
		f.agree(img, res, cosignArgs(root, signerEmail)...)
	})
}

// TestKeyTypes signs with ECDSA P-384, RSA and ed25519 keys imported into
// cosign, and verifies with their public keys.
func TestKeyTypes(t *testing.T) {
	f := newFixture(t)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	for _, c := range []struct {
		name string
		key  any
	}{{"ecdsa-p384", p384}, {"rsa-2048", rsaKey}, {"ed25519", edKey}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p8, err := x509.MarshalPKCS8PrivateKey(c.key)
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "key.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})))
			f.cosign.Must(dir, "import-key-pair", "--key", "key.pem", "--output-key-prefix", "imported")
			pub := filepath.Join(dir, "imported.pub")
			img := f.push("team/" + c.name)
			f.cosign.Must(dir, "sign", "--key", "imported.key", "--tlog-upload=false", "-y", img)
			res := f.verify(img, f.pub, pub)
			if !res.Verified || res.Signatures[0].Key != pub {
				t.Fatalf("want verified under %s: %+v", pub, res)
			}
			switch c.name {
			case "ed25519":
				// cosign signs an image with ed25519ph and `cosign verify
				// --key` checks pure ed25519 only, so it refuses its own
				// signature: hold ours to Go's ed25519 instead.
				ed25519phReference(t, img, c.key.(ed25519.PrivateKey).Public().(ed25519.PublicKey))
			case "ecdsa-p384":
				// cosign signs with SHA-384 and verifies with SHA-256
				// unless told.
				f.agree(img, res, "--key", pub, "--signature-digest-algorithm", "sha384")
			default:
				f.agree(img, res, "--key", pub)
			}
			res = f.verify(img, f.pub)
			wantRefused(t, res, UnknownKey, "verifies with none of the given keys")
			f.agree(img, res, "--key", f.pub)
		})
	}
}

// ed25519phReference checks the image's classic signature with Go's own
// Ed25519ph (RFC 8032) over the payload.
func ed25519phReference(t *testing.T, image string, pub ed25519.PublicKey) {
	t.Helper()
	img, err := remote.Image(sigTag(mustDigest(t, image)))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := img.Manifest()
	l, _ := img.LayerByDigest(m.Layers[0].Digest)
	payload, err := readLimited(l.Compressed)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := base64.StdEncoding.DecodeString(m.Layers[0].Annotations[annSignature])
	if err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum512(payload)
	if err := ed25519.VerifyWithOptions(pub, sum[:], sig, &ed25519.Options{Hash: crypto.SHA512}); err != nil {
		t.Errorf("Go's Ed25519ph refuses the signature kubestride verified: %v", err)
	}
}

func TestParseKey(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	pub := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	p8, _ := x509.MarshalPKCS8PrivateKey(ec)
	for _, c := range []struct {
		name, pem, err string
	}{
		{"ecdsa", pub, ""},
		{"not pem", "hello", "no PEM block"},
		{"private", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})), "is a private key"},
		{"cosign private", "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n", "is a private key"},
		{"two keys", pub + pub, "more than one PEM block"},
		{"garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "k.pub:"},
		{"certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", `PEM block "CERTIFICATE" is no public key`},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, err := ParseKey("k.pub", []byte(c.pem))
			if c.err == "" {
				if err != nil || len(k.ID) != 44 {
					t.Fatalf("ParseKey: %v (id %q)", err, k.ID)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("err = %v, want %q", err, c.err)
			}
		})
	}
}
