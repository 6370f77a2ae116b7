package checks

// An EncryptionConfiguration encrypts only the resources its entries name:
// Secrets left out are stored in etcd in plaintext, and ConfigMaps, which
// often hold credentials by mistake, are worth encrypting too.
//
// Inspected: the resources entries of every EncryptionConfiguration.
// Allowed: an entry that names secrets (high when none does) and one that
// names configmaps (low), or a wildcard that covers them ("*." for the
// core group, "*.*"). Whether the entry's first provider encrypts is the
// identity-first check's.

import (
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "encryption-resources-uncovered",
		Title:       "Secrets or ConfigMaps not encrypted at rest",
		Category:    check.InformationDisclosure,
		Severity:    check.High,
		Description: "The API server encrypts only the resources the EncryptionConfiguration names: Secrets it does not name are stored in etcd, its backups and snapshots in plaintext, and so are ConfigMaps, which often hold credentials by mistake.",
		Remediation: "Add secrets and configmaps to the resources of an entry whose first provider encrypts (kms with apiVersion: v2), then rewrite the stored objects.",
		CIS:         "1.2.28",
		References:  []string{"https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#understanding-the-encryption-at-rest-configuration"},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.encryptionConfigs() {
			if entryFor(c.cfg, "secrets", "") < 0 {
				out = append(out, objectAt(c.obj, "resources", "resources not encrypted",
					"resources must list secrets (or *. or *.*): secrets are stored in plaintext"))
			}
			if entryFor(c.cfg, "configmaps", "") < 0 {
				f := objectAt(c.obj, "resources", "resources not encrypted",
					"resources must list configmaps (or *. or *.*): configmaps are stored in plaintext")
				f.Severity = check.Low
				out = append(out, f)
			}
		}
		return out
	}))
}
