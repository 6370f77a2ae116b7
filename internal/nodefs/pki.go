package nodefs

import (
	"encoding/pem"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
)

// pki records the certificates, private key or public keys of node path p,
// by their path on the node (as the flags name them; Node.Files tells where
// each was read). An unreadable PEM file is an error: what it holds was not
// judged.
func (r *reader) pki(p string, kind fileKind, data []byte) {
	shown := r.shown(p)
	switch kind {
	case certFile:
		certs, err := host.ReadCertificates(p, data)
		if err != nil {
			r.fail(shown, 0, "%v", err)
		}
		r.res.Node.Certificates = append(r.res.Node.Certificates, certs...)
	case keyFile:
		k, err := host.ReadPrivateKey(p, data)
		if err != nil {
			r.fail(shown, 0, "%v", err)
			return
		}
		r.res.Node.Keys = append(r.res.Node.Keys, k)
	case publicKeyFile:
		if holdsPrivateKey(data) {
			// The API server takes the public half of a private key given
			// as a verification key (the same file as the signing key, as
			// a test cluster has it): it is judged as the private key it
			// is, and its public key blocks, if any, are read beside it.
			r.pki(p, keyFile, data)
			if keys, err := host.ReadPublicKeys(p, data); err == nil {
				r.res.Node.PublicKeys = append(r.res.Node.PublicKeys, keys...)
			}
			return
		}
		keys, err := host.ReadPublicKeys(p, data)
		if err != nil {
			r.fail(shown, 0, "%v", err)
		}
		r.res.Node.PublicKeys = append(r.res.Node.PublicKeys, keys...)
	}
}

// holdsPrivateKey reports whether PEM data holds a private key block.
func holdsPrivateKey(data []byte) bool {
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return false
		}
		if strings.HasSuffix(b.Type, "PRIVATE KEY") {
			return true
		}
	}
}

// auditRules records the auditd rules of a file; a rule that does not
// parse is an error at its line.
func (r *reader) auditRules(file string, data []byte) {
	rules, errs := host.ParseAuditRules(file, data)
	r.res.Node.AuditRules = append(r.res.Node.AuditRules, rules...)
	for _, err := range errs {
		r.res.Errors = append(r.res.Errors, errorAt(file, err))
	}
}

// readBinaries records the metadata of the Kubernetes binaries where a
// node installs them.
func (r *reader) readBinaries() {
	for _, name := range host.KubernetesBinaries {
		for _, dir := range []string{"/usr/bin", "/usr/local/bin"} {
			_, _ = r.stat(dir + "/" + name)
		}
	}
}

// errorAt turns an error written "file:line: message" about file into an
// object.Error with its line.
func errorAt(file string, err error) object.Error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, file+":"); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(num); err == nil {
				return object.Error{File: file, Line: line, Message: text}
			}
		}
	}
	return object.Error{File: file, Message: msg}
}
