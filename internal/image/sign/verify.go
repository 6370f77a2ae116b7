package sign

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"
	"time"

	"github.com/sigstore/sigstore-go/pkg/verify"
)

type identities = verify.CertificateIdentities

// check is the cryptographic part of a verdict, common to both layouts:
// the signature of ent (over artifact, when not nil) by one of the keys, or
// by cert under the keyless options. keyed is ent seen with a public key as
// its verification content (nil when the signature carries only a
// certificate), hint the key it names (may be empty). The claim (which
// digest is signed) is checked by the caller once this passed; stmt is the
// verified in-toto statement of an envelope.
func (v *verifier) check(s *Signature, keyed, certified verify.SignedEntity, cert *x509.Certificate, hint string, artifact func() verify.ArtifactPolicyOption) (ok bool, res *verify.VerificationResult) {
	if cert != nil {
		s.Signer = signerOf(cert)
	}
	if cert != nil && v.o.Keyless != nil {
		return v.checkKeyless(s, certified, cert, artifact)
	}
	if len(v.o.Keys) == 0 {
		s.Reason = UnknownKey
		s.Detail = "signed with a key; no public key was given to verify it with"
		return false, nil
	}
	if keyed == nil {
		s.Reason = UnknownKey
		s.Detail = "signed keyless"
		if s.Signer != nil {
			s.Detail += fmt.Sprintf(" (issuer %s, subject %s)", s.Signer.Issuer, s.Signer.Subject)
		}
		s.Detail += "; no trusted root and identity were given to verify it with"
		return false, nil
	}
	var named *Key
	for i := range v.o.Keys {
		k := &v.o.Keys[i]
		if hint != "" && k.ID == hint {
			named = k
		}
		for _, kv := range k.verifiers {
			vr, err := verify.NewVerifier(material(kv), verify.WithNoObserverTimestamps())
			if err != nil {
				s.Reason, s.Detail = Malformed, err.Error()
				return false, nil
			}
			if r, err := vr.Verify(keyed, verify.NewPolicy(artifact(), verify.WithKey())); err == nil {
				s.Key = k.Name
				return true, r
			}
		}
	}
	switch {
	case named != nil:
		s.Reason = BadSignature
		s.Detail = fmt.Sprintf("the signature names key %s (%s) but does not verify with it: the payload or the signature was altered", named.Name, hint)
	case hint != "":
		s.Reason = UnknownKey
		s.Detail = fmt.Sprintf("signed with key %s, which is none of the given keys (%s)", hint, keyNames(v.o.Keys))
	default:
		s.Reason = UnknownKey
		s.Detail = fmt.Sprintf("the signature verifies with none of the given keys (%s): it was made with another key, or the payload or the signature was altered", keyNames(v.o.Keys))
	}
	return false, nil
}

func (v *verifier) checkKeyless(s *Signature, ent verify.SignedEntity, cert *x509.Certificate, artifact func() verify.ArtifactPolicyOption) (bool, *verify.VerificationResult) {
	tm := v.o.Keyless.Root
	now := time.Now()
	if _, err := verify.VerifyLeafCertificate(now, cert, tm); err != nil {
		s.Reason = UnknownKey
		s.Detail = fmt.Sprintf("certificate (serial %s, valid %s to %s) is not issued by the trusted root's certificate authorities, or not valid now: %v",
			cert.SerialNumber, cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339), err)
		return false, nil
	}
	vr, err := verify.NewVerifier(tm, verify.WithCurrentTime())
	if err != nil {
		s.Reason, s.Detail = Malformed, err.Error()
		return false, nil
	}
	r, err := vr.Verify(ent, verify.NewPolicy(artifact(), verify.WithoutIdentitiesUnsafe()))
	if err != nil {
		s.Reason = BadSignature
		s.Detail = fmt.Sprintf("the signature does not verify with its certificate: the payload or the signature was altered (%v)", err)
		return false, nil
	}
	if r.Signature == nil || r.Signature.Certificate == nil {
		s.Reason, s.Detail = Malformed, "keyless verification returned no certificate"
		return false, nil
	}
	matched := -1
	for i, ci := range v.ids {
		if ci.Verify(*r.Signature.Certificate) == nil {
			matched = i
			break
		}
	}
	if matched < 0 {
		s.Reason = IdentityMismatch
		s.Detail = fmt.Sprintf("certificate of issuer %q, subject %q matches none of the given identities (%s)",
			r.Signature.Certificate.Issuer, r.Signature.Certificate.SubjectAlternativeName, identityList(v.o.Keyless.Identities))
		return false, nil
	}
	s.Signer = &Signer{Issuer: r.Signature.Certificate.Issuer, Subject: r.Signature.Certificate.SubjectAlternativeName}
	s.Identity = v.o.Keyless.Identities[matched].String()
	return true, r
}

// signerOf reads the identity a certificate claims, before it is verified.
func signerOf(cert *x509.Certificate) *Signer {
	s := &Signer{}
	for _, e := range cert.Extensions {
		switch e.Id.String() {
		case "1.3.6.1.4.1.57264.1.8":
			var str string
			if _, err := asn1.Unmarshal(e.Value, &str); err == nil {
				s.Issuer = str
			}
		case "1.3.6.1.4.1.57264.1.1":
			if s.Issuer == "" {
				s.Issuer = string(e.Value)
			}
		}
	}
	switch {
	case len(cert.EmailAddresses) > 0:
		s.Subject = cert.EmailAddresses[0]
	case len(cert.URIs) > 0:
		s.Subject = cert.URIs[0].String()
	}
	return s
}

func keyNames(keys []Key) string {
	var n []string
	for _, k := range keys {
		n = append(n, k.Name)
	}
	return strings.Join(n, ", ")
}

func identityList(ids []Identity) string {
	var n []string
	for _, id := range ids {
		n = append(n, id.String())
	}
	return strings.Join(n, "; ")
}
