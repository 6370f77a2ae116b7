package checks

// A short key can be broken: RSA keys under 2048 bits and elliptic curves
// under 256 bits fall below what NIST accepts after 2013 (SP 800-57, SP
// 800-131A). Whoever breaks a CA's key issues any certificate the cluster
// trusts; a serving key, impersonates the server; the service-account
// signing key, forges any service account's token.
//
// Inspected: the keys of every certificate, private key and public key the
// node command read. Allowed: RSA of 2048 bits or more, ECDSA on a curve of
// 256 bits or more (P-256, P-384, P-521), Ed25519. A key held by several
// files (a certificate and its private key) is reported once, at its
// private key when one was read.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "pki-weak-key",
		Title:       "Weak certificate or key",
		Category:    check.Spoofing,
		Severity:    check.High,
		NeedsHost:   true,
		Description: "RSA keys under 2048 bits and elliptic curves under 256 bits can be broken: whoever breaks a certificate authority's key issues any certificate the cluster trusts, a serving key impersonates the server, the service-account signing key forges tokens.",
		Remediation: "Replace the key with an RSA key of at least 2048 bits or an ECDSA P-256 key (kubeadm's encryptionAlgorithm RSA-2048 or ECDSA-P256) and reissue the certificates it signs or holds.",
		References: []string{
			"https://csrc.nist.gov/pubs/sp/800/131/a/r2/final",
			"https://kubernetes.io/docs/setup/best-practices/certificates/",
		},
	}, func(v *nodeView) []check.Finding {
		n := v.inv.Host
		if n == nil {
			return nil
		}
		type weak struct {
			key   host.KeyInfo
			files []string
		}
		var order []*weak
		byKey := map[string]*weak{}
		note := func(path string, k host.KeyInfo) {
			if weakness(k) == "" {
				return
			}
			if w, ok := byKey[k.Fingerprint]; ok && k.Fingerprint != "" {
				if w.files[len(w.files)-1] != path {
					w.files = append(w.files, path)
				}
				return
			}
			w := &weak{key: k, files: []string{path}}
			order = append(order, w)
			if k.Fingerprint != "" {
				byKey[k.Fingerprint] = w
			}
		}
		for _, k := range sortedKeys(n) {
			if !k.Encrypted {
				note(k.Path, k.Key)
			}
		}
		for _, c := range sortedCertificates(n) {
			note(c.Path, c.Key)
		}
		for _, p := range n.PublicKeys {
			note(p.Path, p.Key)
		}
		var out []check.Finding
		for _, w := range order {
			out = append(out, fileAt(w.files[0], "weak key",
				fmt.Sprintf("the key of %s must be %s, not %s", strings.Join(w.files, ", "), weakness(w.key), describeKey(w.key))))
		}
		return out
	}))
}

// weakness says what key k must be instead, or "" when it is strong
// enough.
func weakness(k host.KeyInfo) string {
	switch k.Algorithm {
	case "RSA":
		if k.Bits < 2048 {
			return "RSA of at least 2048 bits"
		}
	case "ECDSA":
		if k.Bits < 256 {
			return "ECDSA on a curve of at least 256 bits (P-256)"
		}
	case "Ed25519", "":
	default:
		return "RSA of at least 2048 bits, ECDSA P-256 or Ed25519"
	}
	return ""
}
