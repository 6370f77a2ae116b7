package checks

// The kube-apiserver signs service-account tokens with the private key of
// --service-account-signing-key-file and accepts those whose signature one
// of the public keys of --service-account-key-file verifies. Without the
// signing key it cannot start; when the verification keys do not hold the
// signing key's public half, the tokens it issues are refused (every
// controller and pod that calls the API server fails) while whatever keys
// the list does hold still mint tokens it accepts.
//
// Inspected: each kube-apiserver's --service-account-signing-key-file
// (kubeadm's etc/kubernetes/pki/sa.key when not set) and
// --service-account-key-file (sa.pub), as the node command read them.
// Allowed: the signing key exists and one of the verification keys is its
// public half. Its strength is judged by pki-weak-key; a key encrypted
// with a passphrase, which the API server cannot read, is not judged here.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "pki-service-account-key",
		Title:       "Service-account signing key missing or not verified",
		Category:    check.Spoofing,
		Severity:    check.High,
		NeedsHost:   true,
		Description: "The kube-apiserver signs service-account tokens with its signing key and accepts those that its verification keys verify. A missing signing key stops it; verification keys that do not hold the signing key's public half refuse every token it issues and accept tokens signed by keys that are no longer in use.",
		Remediation: "Keep the signing key at --service-account-signing-key-file (kubeadm's pki/sa.key) and list its public key (sa.pub) in --service-account-key-file, beside only the keys of a rotation in progress.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/",
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
		},
	}, func(v *nodeView) []check.Finding {
		n := v.inv.Host
		if n == nil {
			return nil
		}
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			keyPath := c.Value("service-account-signing-key-file", pkiDir+"/sa.key")
			at := func(flag, reason, detail string) check.Finding {
				if f, ok := c.Flag(flag); ok {
					return flagAt(c, f, reason, detail)
				}
				return flagMissing(c, flag, reason, detail)
			}
			key, ok := keyAt(n, keyPath)
			if !ok {
				if fi, read := n.Files[keyPath]; read && fi.Missing {
					out = append(out, at("service-account-signing-key-file", "service-account signing key missing",
						fmt.Sprintf("%s must have its service-account signing key: %s does not exist", c, keyPath)))
				}
				continue
			}
			if key.Encrypted || key.Key.Fingerprint == "" {
				continue
			}
			var pubPaths []string
			for _, f := range c.Flags {
				if f.Name == "service-account-key-file" && f.Value != "" {
					pubPaths = append(pubPaths, f.Value)
				}
			}
			if len(pubPaths) == 0 {
				pubPaths = []string{pkiDir + "/sa.pub"}
			}
			verified, read := false, false
			for _, p := range pubPaths {
				for _, fp := range publicKeysAt(n, p) {
					read = true
					verified = verified || fp == key.Key.Fingerprint
				}
			}
			if read && !verified {
				out = append(out, at("service-account-key-file", "service-account signing key not verified",
					fmt.Sprintf("%s must list the public key of its signing key %s in --service-account-key-file: %s holds other keys only", c, keyPath, strings.Join(pubPaths, ", "))))
			}
		}
		return out
	}))
}

// publicKeysAt returns the fingerprints of the public keys the file at
// path holds as the API server reads a verification key file: public
// keys, certificates' keys, or a private key's public half.
func publicKeysAt(n *host.Node, path string) []string {
	var out []string
	for _, p := range n.PublicKeys {
		if p.Path == path && p.Key.Fingerprint != "" {
			out = append(out, p.Key.Fingerprint)
		}
	}
	for _, c := range certificatesAt(n, path) {
		if c.Key.Fingerprint != "" {
			out = append(out, c.Key.Fingerprint)
		}
	}
	if k, ok := keyAt(n, path); ok && k.Key.Fingerprint != "" {
		out = append(out, k.Key.Fingerprint)
	}
	return out
}
