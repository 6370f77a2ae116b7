package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/signature"
)

// Key is a public key signatures are checked against.
type Key struct {
	// Name says where the key came from (its file), for results and errors.
	Name string
	// ID is sigstore's key hint: base64 of the SHA-256 of the key's PKIX
	// DER, which bundles made with a key carry.
	ID string

	pub       crypto.PublicKey
	verifiers []signature.Verifier
}

// LoadKey reads a PEM public key file, as cosign.pub.
func LoadKey(path string) (Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Key{}, fmt.Errorf("public key: %w", err)
	}
	return ParseKey(path, b)
}

// ParseKey parses a PEM public key (PUBLIC KEY, or RSA PUBLIC KEY): ECDSA,
// RSA or ed25519. name says where it came from.
func ParseKey(name string, pemBytes []byte) (Key, error) {
	block, rest := pem.Decode(pemBytes)
	if block == nil {
		return Key{}, fmt.Errorf("%s: no PEM block: a public key must be PEM (-----BEGIN PUBLIC KEY-----)", name)
	}
	var pub crypto.PublicKey
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY":
		return Key{}, fmt.Errorf("%s: is a private key (%s); verification takes the public key (cosign.pub)", name, block.Type)
	default:
		return Key{}, fmt.Errorf("%s: PEM block %q is no public key", name, block.Type)
	}
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", name, err)
	}
	if b, _ := pem.Decode(rest); b != nil {
		return Key{}, fmt.Errorf("%s: more than one PEM block: give one key a file", name)
	}
	switch pub.(type) {
	case *ecdsa.PublicKey, *rsa.PublicKey, ed25519.PublicKey:
	default:
		return Key{}, fmt.Errorf("%s: unsupported key type %T (ECDSA, RSA or ed25519)", name, pub)
	}
	vs, err := verifiers(pub)
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", name, err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", name, err)
	}
	sum := sha256.Sum256(der)
	return Key{Name: name, ID: base64.StdEncoding.EncodeToString(sum[:]), pub: pub, verifiers: vs}, nil
}

// Verifiers are the signature schemes the key's signatures are accepted
// in (see verifiers), for checking signatures other than an image's, such
// as the DSSE envelope of an attestation.
func (k Key) Verifiers() []signature.Verifier { return k.verifiers }

// Public is the key.
func (k Key) Public() crypto.PublicKey { return k.pub }

// verifiers are the signature schemes a key's signatures are accepted in:
// those cosign signs with. `cosign verify --key` checks SHA-256 only (and
// pure ed25519), while `cosign sign` signs with the key's default: SHA-384
// for P-384, SHA-512 for P-521, and ed25519ph for an ed25519 key's classic
// signature (pure ed25519 in a DSSE envelope). RSA is PKCS#1 v1.5 with
// SHA-256.
func verifiers(pub crypto.PublicKey) ([]signature.Verifier, error) {
	var out []signature.Verifier
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		hashes := []crypto.Hash{crypto.SHA256}
		switch k.Curve {
		case elliptic.P384():
			hashes = append(hashes, crypto.SHA384)
		case elliptic.P521():
			hashes = append(hashes, crypto.SHA512)
		}
		for _, h := range hashes {
			v, err := signature.LoadECDSAVerifier(k, h)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	case *rsa.PublicKey:
		v, err := signature.LoadRSAPKCS1v15Verifier(k, crypto.SHA256)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	case ed25519.PublicKey:
		v, err := signature.LoadED25519Verifier(k)
		if err != nil {
			return nil, err
		}
		ph, err := signature.LoadED25519phVerifier(k)
		if err != nil {
			return nil, err
		}
		out = append(out, v, ph)
	}
	return out, nil
}

// material is the trusted material of one of a key's verifiers:
// sigstore-go asks it for the verifier of a key hint, and gets this one
// whatever the hint (the hint is not signed; which key to try is decided
// here).
func material(v signature.Verifier) root.TrustedMaterial {
	ek := root.NewExpiringKey(v, timeZero, timeZero)
	return root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) { return ek, nil })
}

// Identity is a keyless signer's identity: the OIDC issuer and the subject
// (the certificate's subject alternative name: an email, a URI), each exact
// or a regular expression. One of Issuer and IssuerRegexp must be set, and
// one of Subject and SubjectRegexp.
type Identity struct {
	Issuer, IssuerRegexp   string
	Subject, SubjectRegexp string
}

func (id Identity) String() string {
	iss, sub := id.Issuer, id.Subject
	if iss == "" {
		iss = "~" + id.IssuerRegexp
	}
	if sub == "" {
		sub = "~" + id.SubjectRegexp
	}
	return fmt.Sprintf("issuer %s, subject %s", iss, sub)
}

// Keyless is what a keyless signature is checked against.
type Keyless struct {
	// Root holds the certificate authorities (Fulcio's, or one's own).
	Root root.TrustedMaterial
	// Identities a certificate must match (one of them).
	Identities []Identity
}

// LoadTrustedRoot reads sigstore's trusted_root.json format.
func LoadTrustedRoot(path string) (*root.TrustedRoot, error) {
	tr, err := root.NewTrustedRootFromPath(path)
	if err != nil {
		return nil, fmt.Errorf("trusted root %s: %w", path, err)
	}
	if len(tr.FulcioCertificateAuthorities()) == 0 {
		return nil, fmt.Errorf("trusted root %s: no certificateAuthorities: keyless signatures cannot be checked", path)
	}
	return tr, nil
}

func (kl *Keyless) identities() (verify.CertificateIdentities, error) {
	if len(kl.Identities) == 0 {
		return nil, fmt.Errorf("keyless verification needs an identity (issuer and subject)")
	}
	var out verify.CertificateIdentities
	for _, id := range kl.Identities {
		if (id.Issuer == "") == (id.IssuerRegexp == "") {
			return nil, fmt.Errorf("identity %s: give the issuer or an issuer regexp, not both nor neither", id)
		}
		if (id.Subject == "") == (id.SubjectRegexp == "") {
			return nil, fmt.Errorf("identity %s: give the subject or a subject regexp, not both nor neither", id)
		}
		ci, err := verify.NewShortCertificateIdentity(id.Issuer, id.IssuerRegexp, id.Subject, id.SubjectRegexp)
		if err != nil {
			return nil, fmt.Errorf("identity %s: %w", id, err)
		}
		out = append(out, ci)
	}
	return out, nil
}
