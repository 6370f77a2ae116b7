package checks

// Helpers of the PKI and integrity checks, which judge what the node
// command read beside the objects (Inventory.Host): certificates, keys,
// file modes and auditd rules.

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
)

// nodeNow is the time certificates are judged at; tests replace it.
var nodeNow = time.Now

// pkiDir is where kubeadm writes the cluster's PKI.
const pkiDir = "/etc/kubernetes/pki"

// flagPath returns the file the last component named name that sets flag
// points at, with that component and flag; def and no component when
// none sets it.
func (v *nodeView) flagPath(name, flag, def string) (string, *host.Component, host.Flag) {
	var path, comp, fl = def, (*host.Component)(nil), host.Flag{}
	for _, c := range v.of(name) {
		if f, ok := c.Flag(flag); ok && f.Value != "" {
			path, comp, fl = f.Value, c, f
		}
	}
	return path, comp, fl
}

// certificatesAt returns the certificates read from the file at path.
func certificatesAt(n *host.Node, path string) []host.Certificate {
	var out []host.Certificate
	for _, c := range n.Certificates {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// keyAt returns the private key read from the file at path.
func keyAt(n *host.Node, path string) (host.PrivateKey, bool) {
	for _, k := range n.Keys {
		if k.Path == path {
			return k, true
		}
	}
	return host.PrivateKey{}, false
}

// sortedCertificates returns n's certificates by path and index.
func sortedCertificates(n *host.Node) []host.Certificate {
	out := slices.Clone(n.Certificates)
	slices.SortStableFunc(out, func(a, b host.Certificate) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return a.Index - b.Index
	})
	return out
}

// sortedKeys returns n's private keys by path.
func sortedKeys(n *host.Node) []host.PrivateKey {
	out := slices.Clone(n.Keys)
	slices.SortStableFunc(out, func(a, b host.PrivateKey) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// certName names a certificate in a message: its file, its position when
// the file holds several, and its subject.
func certName(c host.Certificate) string {
	s := "certificate " + c.Path
	if c.Index > 0 {
		s += fmt.Sprintf(" (#%d)", c.Index+1)
	}
	if c.Subject != "" {
		s += " (" + c.Subject + ")"
	}
	return s
}

// describeKey says what a key is: "RSA 1024-bit", "ECDSA P-224".
func describeKey(k host.KeyInfo) string {
	switch {
	case k.Curve != "":
		return k.Algorithm + " " + k.Curve
	case k.Bits > 0:
		return fmt.Sprintf("%s %d-bit", k.Algorithm, k.Bits)
	}
	return k.Algorithm
}

// unwatched returns a finding for each of targets that no auditd rule of
// n records writes and attribute changes to: at the rule that watches it
// too narrowly when there is one, else at the path itself. tree says the
// targets are directories whose whole content must be watched, which a
// syscall rule on the directory alone (-F path=) does not do.
func unwatched(n *host.Node, targets []string, reason string, tree bool) []check.Finding {
	var out []check.Finding
	for _, t := range targets {
		var weak *host.AuditRule
		covered := false
		for i, r := range n.AuditRules {
			if r.Covers(t) && !(tree && r.Exact) {
				covered = true
				break
			}
			// The most specific rule that watches t explains why it is
			// not covered.
			if r.Watches(t) && (weak == nil || len(r.Path) >= len(weak.Path)) {
				weak = &n.AuditRules[i]
			}
		}
		what := t
		if tree {
			what = t + " and everything under it"
		}
		switch {
		case covered:
		case weak != nil:
			not := "-p " + weak.Perms
			switch {
			case tree && weak.Exact && weak.Covers(t):
				not = "the directory alone (-F path=)"
			case weak.Perms == "":
				not = "only some system calls"
			}
			out = append(out, check.Finding{File: &object.File{Path: weak.File, Line: weak.Line}, Reason: reason,
				Detail: fmt.Sprintf("auditd must watch %s for writes and attribute changes (-w %s -p wa), not %s", what, t, not)})
		default:
			out = append(out, fileAt(t, reason,
				fmt.Sprintf("auditd must watch %s for writes and attribute changes (-w %s -p wa)", what, t)))
		}
	}
	return out
}
