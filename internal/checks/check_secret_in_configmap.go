package checks

// ConfigMaps are meant for configuration that anyone may read: they are not
// encrypted at rest by the usual EncryptionConfiguration, RBAC grants read
// on them broadly, and they are printed by kubectl describe. A password,
// token or key in one is disclosed to all of those readers.
//
// Inspected fields:
//   data[*] (key name and value; multi-line values are read as
//     configuration files, key=value and key: value)
//   binaryData[*] (key name only)
// Allowed values: keys and values that do not look like secrets to package
// secretscan. Findings name the key (and the setting inside a file) and the
// kind of secret, never the value.

import (
	"maps"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/secretscan"
)

func init() {
	check.Register(localCheck{meta: check.Meta{
		ID:          "secret-in-configmap",
		Title:       "Secret in ConfigMap",
		Category:    check.InformationDisclosure,
		Topic:       check.TopicObjects,
		Severity:    check.High,
		Description: "A ConfigMap holds something that looks like a password, token or private key. ConfigMaps are readable by far more subjects than Secrets, are printed by kubectl describe, and are usually not encrypted at rest.",
		Remediation: "Move the value into a Secret, reference it from the workload instead of the ConfigMap key, and rotate the exposed secret.",
		References: []string{
			refSecrets,
			"https://kubernetes.io/docs/concepts/configuration/configmap/",
			"https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/",
		},
	}, run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
		var out []check.Finding
		for _, cm := range inv.ConfigMaps {
			for _, key := range slices.Sorted(maps.Keys(cm.Value.Data)) {
				if m, ok := secretscan.Classify(key, cm.Value.Data[key]); ok {
					out = append(out, configMapFinding(cm, "data", key, m))
				}
			}
			for _, key := range slices.Sorted(maps.Keys(cm.Value.BinaryData)) {
				if m, ok := secretscan.ClassifyName(key); ok {
					out = append(out, configMapFinding(cm, "binaryData", key, m))
				}
			}
		}
		return out
	}})
}

func configMapFinding(cm inventory.Item[corev1.ConfigMap], field, key string, m secretscan.Match) check.Finding {
	return check.Finding{
		Object: cm.Object,
		Path:   fieldpath.Key(field, key),
		Reason: "secrets in configmaps",
		Detail: field + " key " + strconv.Quote(key) + " must not hold a secret (" + m.String() + "); move it to a Secret",
	}
}
