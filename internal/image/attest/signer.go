package attest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// PasswordEnv is the variable cosign reads a private key's password from.
const PasswordEnv = "COSIGN_PASSWORD"

// Signer signs attestations with a private key.
type Signer struct {
	// Name says where the key came from (its file).
	Name string
	// ID is the public key's hint, as sign.Key.ID: base64 of the SHA-256
	// of its PKIX DER.
	ID string
	sv signature.SignerVerifier
}

// Password returns the password of an encrypted private key.
type Password func() ([]byte, error)

// PasswordFromEnv reads COSIGN_PASSWORD, as cosign does when it cannot
// prompt; an empty value is an empty password, an unset one an error.
func PasswordFromEnv() ([]byte, error) {
	p, ok := os.LookupEnv(PasswordEnv)
	if !ok {
		return nil, fmt.Errorf("the key is encrypted and %s is not set", PasswordEnv)
	}
	return []byte(p), nil
}

// LoadSigner reads a PEM private key file: cosign's encrypted format
// (ENCRYPTED SIGSTORE PRIVATE KEY, or the older ENCRYPTED COSIGN PRIVATE
// KEY), whose password password gives, or a plain PKCS#8, EC or PKCS#1
// key (ECDSA, ed25519, RSA).
func LoadSigner(path string, password Password) (*Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	return ParseSigner(path, b, password)
}

// ParseSigner parses a PEM private key; name says where it came from.
func ParseSigner(name string, pemBytes []byte, password Password) (*Signer, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, fmt.Errorf("signing key %s: no PEM block", name)
	}
	var priv crypto.PrivateKey
	var err error
	switch block.Type {
	case "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY":
		if password == nil {
			return nil, fmt.Errorf("signing key %s: encrypted, and no password was given", name)
		}
		pass, perr := password()
		if perr != nil {
			return nil, fmt.Errorf("signing key %s: %w", name, perr)
		}
		priv, err = cryptoutils.UnmarshalPEMToPrivateKey(pemBytes, cryptoutils.StaticPasswordFunc(pass))
		if err != nil {
			return nil, fmt.Errorf("signing key %s: cannot decrypt it with the password given (%s): %w", name, PasswordEnv, err)
		}
	case "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY":
		priv, err = cryptoutils.UnmarshalPEMToPrivateKey(pemBytes, nil)
		if err != nil {
			return nil, fmt.Errorf("signing key %s: %w", name, err)
		}
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return nil, fmt.Errorf("signing key %s: is a public key; signing takes the private key (cosign.key)", name)
	default:
		return nil, fmt.Errorf("signing key %s: PEM block %q is no private key", name, block.Type)
	}
	switch priv.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey, ed25519.PrivateKey:
	default:
		return nil, fmt.Errorf("signing key %s: unsupported key type %T (ECDSA, RSA or ed25519)", name, priv)
	}
	// The key's default scheme: SHA-256 for P-256 and RSA (PKCS#1 v1.5),
	// SHA-384 and SHA-512 for P-384 and P-521, pure ed25519; what `cosign
	// verify-attestation --key` checks a DSSE envelope with.
	sv, err := signature.LoadDefaultSignerVerifier(priv)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", name, err)
	}
	pub, err := sv.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", name, err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", name, err)
	}
	sum := sha256.Sum256(der)
	return &Signer{Name: name, ID: base64.StdEncoding.EncodeToString(sum[:]), sv: sv}, nil
}

// PublicPEM is the signer's public key in PEM form (as cosign.pub).
func (s *Signer) PublicPEM() ([]byte, error) {
	pub, err := s.sv.PublicKey()
	if err != nil {
		return nil, err
	}
	return cryptoutils.MarshalPublicKeyToPEM(pub)
}

var errNoSigner = errors.New("no signing key")
