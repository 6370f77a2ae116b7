package checks

// The EncryptionConfiguration holds the keys of the aescbc, aesgcm and
// secretbox providers (or the KMS plugin's socket): a user of the node who
// reads it reads every Secret in etcd's backups, one who writes it chooses
// how the API server stores them.
//
// Inspected: the mode and owner of every EncryptionConfiguration file the
// node command read. Allowed: mode 0600 or stricter, owned by root:root.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "encryption-config-permissions",
		Title:       "Encryption configuration readable by other users",
		Category:    check.InformationDisclosure,
		Severity:    check.Medium,
		NeedsHost:   true,
		Description: "The EncryptionConfiguration holds the keys that encrypt etcd's data (or names the KMS plugin that does): a node user who reads it decrypts every Secret of etcd's backups, one who writes it decides how the API server stores them.",
		Remediation: "Run chown root:root and chmod 600 on the EncryptionConfiguration file.",
		References:  []string{"https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#understanding-the-encryption-at-rest-configuration"},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.encryptionConfigs() {
			fi, ok := v.configFile(c.obj)
			if !ok || fi.Missing {
				continue
			}
			if perm := fi.Mode.Perm(); perm&^0o600 != 0 {
				out = append(out, fileAt(fi.Path, "encryption configuration readable",
					fmt.Sprintf("%s must have mode 0600 or stricter, not %04o", fi.Path, perm)))
			}
			if fi.UID != 0 || fi.GID != 0 {
				out = append(out, fileAt(fi.Path, "encryption configuration not owned by root",
					fmt.Sprintf("%s must be owned by root:root, not %d:%d", fi.Path, fi.UID, fi.GID)))
			}
		}
		return out
	}))
}
