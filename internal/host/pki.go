package host

// The PKI readers: certificates, private keys and public keys from PEM
// files, described (algorithm, size, curve, fingerprints) and never kept:
// a private key is parsed to learn its strength and its public half, then
// dropped. Errors name the file and the PEM block and say what is wrong;
// they never quote the file's content.

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// ReadCertificates returns the certificates of the PEM file path holds
// (data): every CERTIFICATE block, in order, with Index its position among
// them. Other blocks (a private key beside the certificate, as in the
// kubelet's kubelet-client-current.pem) are skipped. It is an error when
// the file holds no certificate or a certificate does not parse; the
// certificates read before it are returned beside the error.
// IssuerFingerprint is left empty: LinkIssuers sets it once every
// certificate of the node is read.
func ReadCertificates(path string, data []byte) ([]Certificate, error) {
	var out []Certificate
	blocks := 0
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks++
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return out, fmt.Errorf("%s: certificate %d (PEM block %d): %w", path, len(out)+1, blocks, err)
		}
		out = append(out, describeCertificate(path, len(out), c))
	}
	if len(out) == 0 {
		if blocks == 0 {
			return nil, fmt.Errorf("%s: no PEM data: not a certificate file", path)
		}
		return nil, fmt.Errorf("%s: no CERTIFICATE block among %d PEM blocks", path, blocks)
	}
	return out, nil
}

func describeCertificate(path string, index int, c *x509.Certificate) Certificate {
	sum := sha256.Sum256(c.Raw)
	return Certificate{
		Path:           path,
		Index:          index,
		Subject:        c.Subject.String(),
		Issuer:         c.Issuer.String(),
		IsCA:           c.BasicConstraintsValid && c.IsCA,
		SelfSigned:     bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil,
		NotBefore:      c.NotBefore,
		NotAfter:       c.NotAfter,
		Key:            publicKeyInfo(c.PublicKey, c.RawSubjectPublicKeyInfo),
		SubjectKeyID:   hex.EncodeToString(c.SubjectKeyId),
		AuthorityKeyID: hex.EncodeToString(c.AuthorityKeyId),
		Fingerprint:    hex.EncodeToString(sum[:]),
		Raw:            c.Raw,
	}
}

// LinkIssuers sets the IssuerFingerprint of each certificate to the
// Fingerprint of the certificate among certs that signed it: one whose
// subject is its issuer, that may sign certificates (a CA, or a version 1
// certificate), and whose key verifies its signature. A self-signed
// certificate is its own issuer. Certificates without Raw (not read by
// ReadCertificates) are left as they are.
func LinkIssuers(certs []Certificate) {
	parsed := make([]*x509.Certificate, len(certs))
	for i := range certs {
		if c, err := x509.ParseCertificate(certs[i].Raw); err == nil {
			parsed[i] = c
		}
	}
	for i, c := range parsed {
		if c == nil {
			continue
		}
		certs[i].IssuerFingerprint = ""
		if certs[i].SelfSigned {
			certs[i].IssuerFingerprint = certs[i].Fingerprint
			continue
		}
		for j, p := range parsed {
			if p == nil || i == j || !bytes.Equal(c.RawIssuer, p.RawSubject) {
				continue
			}
			if c.CheckSignatureFrom(p) == nil {
				certs[i].IssuerFingerprint = certs[j].Fingerprint
				break
			}
		}
	}
}

// ReadPrivateKey returns what the PEM file path holds (data) says of its
// private key: the first block of type RSA PRIVATE KEY (PKCS #1), EC
// PRIVATE KEY (SEC 1) or PRIVATE KEY (PKCS #8); other blocks (a
// certificate beside the key, EC PARAMETERS) are skipped. A key encrypted
// with a passphrase (ENCRYPTED PRIVATE KEY, or a Proc-Type: 4,ENCRYPTED
// header) is returned with Encrypted set and its algorithm as far as the
// block type tells, never decrypted. The key material is dropped once
// described. It is an error when the file holds no private key or the key
// does not parse; the error names the file and the block, never its bytes.
func ReadPrivateKey(path string, data []byte) (PrivateKey, error) {
	blocks := 0
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks++
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			continue
		}
		k := PrivateKey{Path: path}
		if b.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
			k.Encrypted = true
			switch b.Type {
			case "RSA PRIVATE KEY":
				k.Key.Algorithm = "RSA"
			case "EC PRIVATE KEY":
				k.Key.Algorithm = "ECDSA"
			}
			return k, nil
		}
		info, err := privateKeyInfo(b)
		if err != nil {
			return PrivateKey{}, fmt.Errorf("%s: %s (PEM block %d): %w", path, b.Type, blocks, err)
		}
		k.Key = info
		return k, nil
	}
	if blocks == 0 {
		return PrivateKey{}, fmt.Errorf("%s: no PEM data: not a private key file", path)
	}
	return PrivateKey{}, fmt.Errorf("%s: no PRIVATE KEY block among %d PEM blocks", path, blocks)
}

// privateKeyInfo describes the private key of block b.
func privateKeyInfo(b *pem.Block) (KeyInfo, error) {
	var key any
	var err error
	switch b.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		if err != nil {
			return weakRSAInfo(b.Bytes, false, err)
		}
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(b.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		if err != nil {
			return weakRSAInfo(b.Bytes, true, err)
		}
	default:
		return KeyInfo{}, errors.New("unknown private key type")
	}
	if err != nil {
		return KeyInfo{}, err
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return KeyInfo{}, fmt.Errorf("unsupported key type %T", key)
	}
	pub := s.Public()
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return KeyInfo{}, fmt.Errorf("unsupported key type %T", key)
	}
	return publicKeyInfo(pub, spki), nil
}

// weakRSAInfo reads the modulus size of an RSA private key that
// crypto/x509 refuses (keys under 1024 bits are refused outright), so that
// a weak key is reported as weak rather than as unreadable. pkcs8 says the
// key is wrapped in a PKCS #8 structure; parseErr is returned when der is
// no RSA key at all.
func weakRSAInfo(der []byte, pkcs8 bool, parseErr error) (KeyInfo, error) {
	if pkcs8 {
		var p8 struct {
			Version int
			Algo    struct {
				Algorithm  asn1.ObjectIdentifier
				Parameters asn1.RawValue `asn1:"optional"`
			}
			PrivateKey []byte
		}
		rsaOID := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
		if rest, err := asn1.Unmarshal(der, &p8); err != nil || len(rest) > 0 || !p8.Algo.Algorithm.Equal(rsaOID) {
			return KeyInfo{}, parseErr
		}
		der = p8.PrivateKey
	}
	var p1 struct {
		Version int
		N, E    *big.Int
	}
	if _, err := asn1.Unmarshal(der, &p1); err != nil || p1.N == nil || p1.N.Sign() <= 0 || p1.N.BitLen() >= 1024 || p1.E == nil || !p1.E.IsInt64() || p1.E.Int64() > 1<<31-1 {
		return KeyInfo{}, parseErr
	}
	pub := &rsa.PublicKey{N: p1.N, E: int(p1.E.Int64())}
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		spki = nil
	}
	return publicKeyInfo(pub, spki), nil
}

// ReadPublicKeys returns the public keys of the PEM file path holds
// (data): PUBLIC KEY (SubjectPublicKeyInfo) and RSA PUBLIC KEY (PKCS #1)
// blocks, and the keys of CERTIFICATE blocks (the API server's
// --service-account-key-file accepts all three), in order. It is an error
// when the file holds none or one does not parse.
func ReadPublicKeys(path string, data []byte) ([]PublicKey, error) {
	var out []PublicKey
	blocks := 0
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks++
		var pub any
		var err error
		switch b.Type {
		case "PUBLIC KEY":
			pub, err = x509.ParsePKIXPublicKey(b.Bytes)
		case "RSA PUBLIC KEY":
			pub, err = x509.ParsePKCS1PublicKey(b.Bytes)
		case "CERTIFICATE":
			var c *x509.Certificate
			if c, err = x509.ParseCertificate(b.Bytes); err == nil {
				pub = c.PublicKey
			}
		default:
			continue
		}
		if err != nil {
			return out, fmt.Errorf("%s: %s (PEM block %d): %w", path, b.Type, blocks, err)
		}
		spki, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return out, fmt.Errorf("%s: %s (PEM block %d): %w", path, b.Type, blocks, err)
		}
		out = append(out, PublicKey{Path: path, Index: len(out), Key: publicKeyInfo(pub, spki)})
	}
	if len(out) == 0 {
		if blocks == 0 {
			return nil, fmt.Errorf("%s: no PEM data: not a public key file", path)
		}
		return nil, fmt.Errorf("%s: no PUBLIC KEY or CERTIFICATE block among %d PEM blocks", path, blocks)
	}
	return out, nil
}

// publicKeyInfo describes pub, whose SubjectPublicKeyInfo encoding is
// spki (nil when unknown).
func publicKeyInfo(pub any, spki []byte) KeyInfo {
	var k KeyInfo
	switch p := pub.(type) {
	case *rsa.PublicKey:
		k.Algorithm, k.Bits = "RSA", p.N.BitLen()
	case *ecdsa.PublicKey:
		k.Algorithm = "ECDSA"
		if p.Curve != nil {
			k.Bits, k.Curve = p.Curve.Params().BitSize, curveName(p.Curve)
		}
	case ed25519.PublicKey:
		k.Algorithm, k.Bits = "Ed25519", 256
	default:
		k.Algorithm = fmt.Sprintf("%T", pub)
	}
	if spki != nil {
		sum := sha256.Sum256(spki)
		k.Fingerprint = hex.EncodeToString(sum[:])
	}
	return k
}

func curveName(c elliptic.Curve) string {
	if n := c.Params().Name; n != "" {
		return n
	}
	return fmt.Sprintf("%d-bit curve", c.Params().BitSize)
}
