package checks

// The API server writes a resource with the first provider its
// EncryptionConfiguration lists for it. With identity first, the resource
// is stored in etcd in plaintext however many encrypting providers follow:
// they only read what was written before.
//
// Inspected: the first provider of every resources entry of every
// EncryptionConfiguration, for the resources the entry governs (those no
// earlier entry names; a wildcard counts when it is what governs secrets).
// Allowed: any provider but identity first. A trailing "*.*" entry with
// identity, after the entries that encrypt, stores the rest as the API
// server would without one, and is not reported.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "encryption-identity-first",
		Title:       "Resources stored in plaintext",
		Category:    check.InformationDisclosure,
		Severity:    check.High,
		Description: "The API server stores a resource with the first provider its EncryptionConfiguration lists for it; with identity first the resource goes to etcd, its backups and snapshots in plaintext, whatever encrypting providers follow.",
		Remediation: "Put an encrypting provider (kms with apiVersion: v2) first and keep identity last, only to read what was stored before, then rewrite the stored objects (kubectl get secrets -A -o json | kubectl replace -f -).",
		CIS:         "1.2.28",
		References: []string{
			"https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#providers",
			"https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#ensure-all-secrets-are-encrypted",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.encryptionConfigs() {
			secrets := entryFor(c.cfg, "secrets", "")
			for i, r := range c.cfg.Resources {
				if len(r.Providers) == 0 || r.Providers[0].Identity == nil {
					continue
				}
				var plain []string
				for _, name := range r.Resources {
					res, grp, _ := strings.Cut(name, ".")
					switch {
					case isWildcard(name):
						if secrets == i && resourceMatches(name, "secrets", "") {
							plain = append(plain, name+" (secrets among them)")
						}
					case entryFor(c.cfg, res, grp) == i:
						plain = append(plain, name)
					}
				}
				if len(plain) == 0 {
					continue
				}
				p := fieldpath.Index(fieldpath.Index("resources", i)+".providers", 0)
				out = append(out, objectAt(c.obj, p+".identity", "resources stored in plaintext",
					fmt.Sprintf("%s must not be identity: it stores %s in plaintext", p, strings.Join(plain, ", "))))
			}
		}
		return out
	}))
}
