package checks

// A Secret manifest that carries its values (data, base64 only encodes
// them, or stringData) puts the credentials in every copy of the
// repository, its history, its CI logs and its review tools, readable by
// anyone who can read the code rather than only by those RBAC lets read the
// Secret.
//
// Inspected fields, of Secrets read from files or standard input (a live
// cluster's Secrets are where values belong):
//   data, stringData (the keys with a non-empty value)
// Allowed values: no keys with values; the values are provided at deploy
// time (External Secrets, Sealed Secrets, SOPS, a CSI secret store, or
// kubectl create secret).
//
// The finding names the keys, never a value.

import (
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "secret-manifest-with-data",
			Title:       "Secret values in a manifest",
			Category:    check.InformationDisclosure,
			Topic:       check.TopicObjects,
			Severity:    check.Medium,
			Description: "A Secret manifest that holds its values, in data (base64 is an encoding, not encryption) or stringData, exposes the credentials to everyone who can read the repository, its history and its build logs, instead of only to those RBAC allows to read the Secret.",
			Remediation: "Remove the values from the manifest and provide them at deploy time: an encrypted form (Sealed Secrets, SOPS), an external store (External Secrets Operator, the Secrets Store CSI driver), or kubectl create secret; then rotate the values that were committed.",
			References:  []string{refSecrets, "https://kubernetes.io/docs/concepts/configuration/secret/"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, s := range inv.Secrets {
				out = append(out, secretManifestWithData(s)...)
			}
			return out
		},
	})
}

func secretManifestWithData(s inventory.Item[corev1.Secret]) []check.Finding {
	if src := s.Origin.Source; src != object.FromFile && src != object.FromStdin {
		return nil
	}
	var out []check.Finding
	add := func(field string, keys []string) {
		if len(keys) == 0 {
			return
		}
		slices.Sort(keys)
		out = append(out, check.Finding{
			Object: s.Object,
			Path:   field,
			Reason: "secret values in a manifest",
			Detail: "secret " + strconv.Quote(s.Name()) + " must not set " + field + " values in a manifest (" + pluralize("key ", "keys ", len(keys)) + joinQuote(keys) + ")",
		})
	}
	var data, stringData []string
	for k, v := range s.Value.Data {
		if len(v) > 0 {
			data = append(data, k)
		}
	}
	for k, v := range s.Value.StringData {
		if v != "" {
			stringData = append(stringData, k)
		}
	}
	add("data", data)
	add("stringData", stringData)
	return out
}
