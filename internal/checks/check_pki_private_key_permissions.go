package checks

// A private key readable by anyone but its owner, or owned by anyone but
// root, is one local foothold away from a stolen identity: the CA's key
// issues any certificate, the API server's impersonates it, sa.key forges
// any service account's token, etcd's keys read every Secret.
//
// Inspected: the mode and owner the node command read of every private key
// file it read (etc/kubernetes/pki and the files flags point at). Allowed:
// mode 600 or stricter (no permission for group or others, no execute),
// owned by root (uid 0).

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "pki-private-key-permissions",
		Title:       "Private key file readable by others or not owned by root",
		Category:    check.InformationDisclosure,
		Severity:    check.High,
		NeedsHost:   true,
		Description: "A private key file that group or others may read, or that a user other than root owns, lets a local user or a compromised process take the identity it proves: the CA's key issues any certificate, sa.key forges service-account tokens, etcd's keys read every Secret.",
		Remediation: "Set the key files to mode 600 and owner root (chmod 600 and chown root:root on etc/kubernetes/pki/*.key and etc/kubernetes/pki/etcd/*.key).",
		CIS:         "1.1.21",
		References: []string{
			"https://kubernetes.io/docs/setup/best-practices/certificates/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	}, func(v *nodeView) []check.Finding {
		n := v.inv.Host
		if n == nil {
			return nil
		}
		var out []check.Finding
		for _, k := range sortedKeys(n) {
			fi, ok := n.Files[k.Path]
			if !ok || fi.Missing {
				continue
			}
			if perm := fi.Mode.Perm(); perm&^0o600 != 0 {
				out = append(out, fileAt(k.Path, "private key file permissions",
					fmt.Sprintf("private key %s must have mode 600 or stricter, not %o", k.Path, perm)))
			}
			if fi.UID != 0 {
				out = append(out, fileAt(k.Path, "private key file owner",
					fmt.Sprintf("private key %s must be owned by root (uid 0), not uid %d", k.Path, fi.UID)))
			}
		}
		return out
	}))
}
