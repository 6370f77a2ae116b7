package host

import (
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/kubestride/kubestride/internal/object"
)

// The components kubestride reads flags of.
const (
	APIServer         = "kube-apiserver"
	Etcd              = "etcd"
	ControllerManager = "kube-controller-manager"
	Scheduler         = "kube-scheduler"
	Kubelet           = "kubelet"
)

// ControlPlane lists the control-plane components, in the order reports
// name them.
var ControlPlane = []string{APIServer, ControllerManager, Scheduler, Etcd}

// Flag is one command-line flag of a component, with where it is written.
type Flag struct {
	// Name is the flag without its leading dashes: "anonymous-auth".
	Name string
	// Value is what the flag sets: the text after "=" or the next
	// argument, or "true" for a boolean flag given alone.
	Value string
	// Field is the argument's field path in the static pod
	// (spec.containers[0].command[3]); empty for other sources.
	Field string
	// File and Line say where the flag is written: a kubelet unit or
	// environment file and its line; empty for a static pod (see Field)
	// and a process.
	File string
	Line int
}

// Component is one control-plane component or kubelet and its flags.
type Component struct {
	// Name is one of the component constants.
	Name string
	// Object is the static pod the component runs as, and Container the
	// index of its container, or the kubeadm ClusterConfiguration that
	// makes it (Container -1); nil for a process or a kubelet unit.
	Object    *object.Object
	Container int
	// ArgsField is the field path of the list the flags are read from
	// last (spec.containers[0].command or .args), for a flag that is
	// missing; empty for other sources.
	ArgsField string
	// PID is the process the flags were read from, 0 for other sources.
	PID int
	// Source names where the flags come from for a process ("/proc/PID/
	// cmdline") or a kubelet unit (its first file); empty for a static pod.
	Source string
	// Flags are the flags in the order written; several may set one name.
	Flags []Flag
}

// Flag returns the flag name as the component reads it: its last
// occurrence.
func (c *Component) Flag(name string) (Flag, bool) {
	for i := len(c.Flags) - 1; i >= 0; i-- {
		if c.Flags[i].Name == name {
			return c.Flags[i], true
		}
	}
	return Flag{}, false
}

// Value returns the value of flag name, or def when it is not set.
func (c *Component) Value(name, def string) string {
	if f, ok := c.Flag(name); ok {
		return f.Value
	}
	return def
}

// List returns the comma-separated values of flag name, trimmed, without
// empty ones; nil when it is not set.
func (c *Component) List(name string) []string {
	f, ok := c.Flag(name)
	if !ok {
		return nil
	}
	var out []string
	for _, v := range strings.Split(f.Value, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// String names the component and where it runs from: "kube-apiserver
// (static pod kube-system/kube-apiserver)", "etcd (process 812)".
func (c *Component) String() string {
	switch {
	case c.Object != nil && c.Object.Kind != "Pod":
		if name := path.Join(c.Object.Namespace(), c.Object.Name()); name != "" {
			return c.Name + " (kubeadm " + c.Object.Kind + " " + name + ")"
		}
		return c.Name + " (kubeadm " + c.Object.Kind + " in " + c.Object.Origin.File + ")"
	case c.Object != nil:
		return c.Name + " (static pod " + path.Join(c.Object.Namespace(), c.Object.Name()) + ")"
	case c.PID > 0:
		return c.Name + " (process " + itoa(c.PID) + ")"
	case c.Source != "":
		return c.Name + " (" + c.Source + ")"
	}
	return c.Name
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}

// FileInfo is what kubestride read of a file's metadata.
type FileInfo struct {
	// Path is the file's path on the node ("/etc/kubernetes/pki/ca.key"),
	// whatever root it was read under.
	Path string
	// Mode holds the permission bits and type; UID and GID the owner.
	Mode     fs.FileMode
	UID, GID int
	// Missing is true when the path does not exist.
	Missing bool
}

// Certificate is an X.509 certificate read from a PEM file.
type Certificate struct {
	// Path is the file's path on the node; Index the certificate's
	// position in it (0 for the first).
	Path  string
	Index int
	// Subject and Issuer are the distinguished names as text.
	Subject, Issuer string
	IsCA            bool
	// SelfSigned is true when the issuer is the subject and the
	// signature verifies with the certificate's own key.
	SelfSigned bool
	NotBefore  time.Time
	NotAfter   time.Time
	// Key describes the public key: "RSA", "ECDSA" or "Ed25519", its
	// size in bits, and the curve of an ECDSA key.
	Key KeyInfo
	// SubjectKeyID and AuthorityKeyID are hex; Fingerprint is the SHA-256
	// of the certificate, hex.
	SubjectKeyID, AuthorityKeyID, Fingerprint string
	// IssuerFingerprint is the Fingerprint of the certificate among those
	// read that signed this one (its own for a self-signed certificate);
	// empty when none did. LinkIssuers sets it.
	IssuerFingerprint string
	// Raw is the certificate's DER encoding (public), which LinkIssuers
	// verifies signatures with.
	Raw []byte `json:"-"`
}

// KeyInfo describes a key's algorithm and strength.
type KeyInfo struct {
	Algorithm string
	Bits      int
	Curve     string
	// Fingerprint is the SHA-256 of the public key's SubjectPublicKeyInfo
	// encoding, hex: equal for a certificate, its private key and its
	// public key file; empty when unknown.
	Fingerprint string
}

// PrivateKey is a private key read from a PEM file; its material is never
// kept.
type PrivateKey struct {
	Path string
	Key  KeyInfo
	// Encrypted is true for a PEM block with encryption headers, whose
	// key kubestride cannot read.
	Encrypted bool
}

// PublicKey is a public key read from a PEM file (the service-account
// verification keys, sa.pub).
type PublicKey struct {
	Path string
	// Index is the key's position in the file (0 for the first).
	Index int
	Key   KeyInfo
}

// AuditRule is one auditd file watch: "-w PATH -p PERMS" or the syscall
// form "-a always,exit -F path=PATH -F perm=PERMS".
type AuditRule struct {
	// Path is the watched path; Perms the permissions watched (r, w, x, a).
	Path  string
	Perms string
	// Key is the rule's key (-k or -F key=), empty when it has none.
	Key string
	// Exact is true for the syscall form "-F path=", which watches the
	// path itself and nothing under it; "-w" on a directory and "-F dir="
	// watch the whole tree.
	Exact bool
	// File and Line say where the rule is written.
	File string
	Line int
}

// Node is what was read of one node beside its objects.
type Node struct {
	// Root is the directory the node's files were read under: "/" for the
	// node itself, or a copy of its files.
	Root string
	// Components are those read from processes (--proc) and the kubelet's
	// unit; static pods are objects of the inventory.
	Components []*Component
	// Files holds the metadata of every file read or pointed at by a flag,
	// by path on the node.
	Files map[string]FileInfo
	// Certificates and Keys are the PKI found under etc/kubernetes/pki and
	// wherever flags point at certificates and keys.
	Certificates []Certificate
	Keys         []PrivateKey
	// PublicKeys are the public keys read: the service-account
	// verification keys (sa.pub, --service-account-key-file).
	PublicKeys []PublicKey
	// AuditRules are the auditd file watches of etc/audit/rules.d and
	// etc/audit/audit.rules; AuditRulesRead is false when neither exists.
	AuditRules     []AuditRule
	AuditRulesRead bool
	// SeccompDir is the kubelet's seccomp directory on the node
	// (<--root-dir>/seccomp); SeccompProfiles the profiles read under it,
	// by Name. SeccompRead is false when the directory does not exist.
	SeccompDir      string
	SeccompProfiles []SeccompProfile
	SeccompRead     bool
}

// SeccompProfile returns the profile a pod's localhostProfile names, and
// whether the node holds it.
func (n *Node) SeccompProfile(name string) (SeccompProfile, bool) {
	name = path.Clean(name)
	for _, p := range n.SeccompProfiles {
		if p.Name == name {
			return p, true
		}
	}
	return SeccompProfile{}, false
}
