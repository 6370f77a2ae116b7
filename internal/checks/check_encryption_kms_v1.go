package checks

// KMS v1 (a kms provider without apiVersion: v2) is deprecated since
// Kubernetes v1.28 and off by default since v1.29: it calls the plugin for
// every object it reads or writes, and an API server without the KMSv1
// feature gate refuses to start with it.
//
// Inspected: every kms provider of every EncryptionConfiguration. Allowed:
// apiVersion: v2.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "encryption-kms-v1",
		Title:       "KMS v1 encryption provider",
		Category:    check.InformationDisclosure,
		Severity:    check.Medium,
		Description: "A kms provider without apiVersion: v2 is KMS v1, deprecated since Kubernetes v1.28 and off by default since v1.29: it asks the plugin for every object read or written, and an API server without the KMSv1 feature gate does not start with it.",
		Remediation: "Move to a KMS v2 plugin and set apiVersion: v2 on its kms provider, then rewrite the stored objects.",
		CIS:         "1.2.28",
		References:  []string{"https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/#kms-v1"},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.encryptionConfigs() {
			for i, r := range c.cfg.Resources {
				for j, p := range r.Providers {
					if p.KMS == nil || p.KMS.APIVersion == "v2" {
						continue
					}
					path := fieldpath.Index(fieldpath.Index("resources", i)+".providers", j) + ".kms"
					detail := fmt.Sprintf("%s %q must set apiVersion: v2 (unset, it is KMS v1, which is deprecated)", path, p.KMS.Name)
					at := path
					if p.KMS.APIVersion != "" {
						detail = fmt.Sprintf("%s %q must set apiVersion: v2, not %s (KMS v1 is deprecated)", path, p.KMS.Name, p.KMS.APIVersion)
						at = path + ".apiVersion"
					}
					out = append(out, objectAt(c.obj, at, "KMS v1 encryption provider", detail))
				}
			}
		}
		return out
	}))
}
