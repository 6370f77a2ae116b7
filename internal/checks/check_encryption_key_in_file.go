package checks

// The aescbc, aesgcm and secretbox providers keep their keys in the
// EncryptionConfiguration itself, on the control-plane node's disk beside
// etcd's data and in every backup of /etc/kubernetes: whoever reads one
// reads the other. The split between data keys and a key-encryption key
// held outside the node (a KMS, through a KMS v2 plugin) is what protects
// a stolen disk or backup.
//
// Inspected: the first provider of every resources entry of every
// EncryptionConfiguration (the one that encrypts what is written). Allowed:
// kms. identity first is the identity-first check's. aesgcm is worse:
// its keys must be rotated every 200,000 writes, or the nonce repeats.
// The key's value is never printed, only its name.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "encryption-key-in-file",
		Title:       "Encryption key kept in the configuration file",
		Category:    check.InformationDisclosure,
		Severity:    check.Medium,
		Description: "The aescbc, aesgcm and secretbox providers keep the key that encrypts etcd's data in the EncryptionConfiguration, on the control-plane node's disk and in its backups beside the data it protects; only a KMS keeps the key-encryption key apart. aesgcm keys must moreover be rotated every 200,000 writes.",
		Remediation: "Encrypt with a kms provider with apiVersion: v2 first, keep the local provider after it only to read what was stored before, rewrite the stored objects, then remove the local key.",
		CIS:         "1.2.28",
		References: []string{
			"https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#providers",
			"https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.encryptionConfigs() {
			for i, r := range c.cfg.Resources {
				if len(r.Providers) == 0 {
					continue
				}
				keys := localKeys(r.Providers[0])
				if keys == nil {
					continue
				}
				name := providerName(r.Providers[0])
				p := fieldpath.Index(fieldpath.Index("resources", i)+".providers", 0)
				key := ""
				if len(keys) > 0 {
					key = fmt.Sprintf(" key %q", keys[0].Name)
				}
				detail := fmt.Sprintf("%s must not be %s: its%s, which encrypts %s, is written in the file (use kms with apiVersion: v2)",
					p, name, key, strings.Join(r.Resources, ", "))
				if name == "aesgcm" {
					detail += "; aesgcm keys must also be rotated every 200,000 writes"
				}
				out = append(out, objectAt(c.obj, p+"."+name, "encryption key in the configuration file", detail))
			}
		}
		return out
	}))
}
