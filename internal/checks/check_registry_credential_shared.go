package checks

// One registry credential copied into many namespaces is readable by
// whoever can read Secrets in any of them, and by every pod that can mount
// a Secret there: the weakest namespace decides who holds it, and revoking
// it breaks them all at once.
//
// Inspected fields: of every Secret of type kubernetes.io/dockerconfigjson
// or kubernetes.io/dockercfg, data[".dockerconfigjson"] (its auths) or
// data[".dockercfg"] (or stringData): each server, and a SHA-256
// fingerprint of its credential (user name, password, tokens). The
// credential itself is never kept or printed, nor is the fingerprint.
// Allowed values: a credential (the same server and fingerprint) held in
// fewer than minNamespaces namespaces (3 by default).
//
// What the objects cannot say: a credential copied by a controller
// (a secret replicator, an external-secrets store) looks the same as one
// copied by hand, and the credential's scope on the registry (read-only or
// not) is not in the Docker config.

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

// defaultSharedCredentialNamespaces is how many namespaces must hold the
// same registry credential for registry-credential-shared to report it.
const defaultSharedCredentialNamespaces = 3

func init() {
	check.Register(registryCredentialShared{minNamespaces: defaultSharedCredentialNamespaces})
}

// registryCredentialShared reports a registry credential held by Secrets
// in minNamespaces namespaces or more.
type registryCredentialShared struct{ minNamespaces int }

func (c registryCredentialShared) Meta() check.Meta {
	return check.Meta{
		ID:          "registry-credential-shared",
		Title:       "Registry credential copied into many namespaces",
		Category:    check.InformationDisclosure,
		Topic:       check.TopicObjects,
		Severity:    check.Medium,
		Description: fmt.Sprintf("The same registry credential (the same server and a credential with the same fingerprint; the value is never printed) is held by pull secrets in %d namespaces or more, so whoever can read Secrets in any of them holds it, and it cannot be revoked for one without the others. Whether a controller copies it on purpose, and what the credential may do on the registry, is not in the objects.", c.minNamespaces),
		Remediation: "Give each namespace (or each team) its own registry credential, read-only and limited to its repositories, or let the kubelet get credentials from a credential provider plugin instead of Secrets.",
		References: []string{
			refRegistrySecrets,
			refSecrets,
			"https://kubernetes.io/docs/tasks/administer-cluster/kubelet-credential-provider/",
		},
	}
}

// maxNamespacesShown is how many namespaces a detail names.
const maxNamespacesShown = 5

// quoteSome quotes the first max items and counts the others.
func quoteSome(items []string, max int) string {
	if len(items) <= max {
		return joinQuote(items)
	}
	return joinQuote(items[:max]) + ", and " + strconv.Itoa(len(items)-max) + " more"
}

func (c registryCredentialShared) Run(_ context.Context, inv *inventory.Inventory, _ check.Options) []check.Finding {
	type key struct{ server, fingerprint string }
	holders := map[key][]inventory.Item[corev1.Secret]{}
	for _, s := range inv.Secrets {
		for _, cred := range inventory.RegistryCredentials(s.Value) {
			k := key{cred.Server, cred.Fingerprint}
			if hs := holders[k]; len(hs) == 0 || hs[len(hs)-1].Object != s.Object {
				holders[k] = append(hs, s)
			}
		}
	}
	var out []check.Finding
	for k, hs := range holders {
		namespaces := map[string]bool{}
		for _, s := range hs {
			namespaces[s.Namespace()] = true
		}
		if len(namespaces) < c.minNamespaces {
			continue
		}
		names := slices.Sorted(maps.Keys(namespaces))
		for _, s := range hs {
			out = append(out, check.Finding{
				Object: s.Object,
				Path:   pullSecretPath(s.Value),
				Reason: "registry credential shared across namespaces",
				Detail: fmt.Sprintf("secret %q must not hold the credential for registry %s that pull secrets in %d namespaces hold (%s)",
					s.Name(), strconv.Quote(k.server), len(names), quoteSome(names, maxNamespacesShown)),
			})
		}
	}
	slices.SortStableFunc(out, func(a, b check.Finding) int {
		return cmp.Or(cmp.Compare(a.Object.Namespace(), b.Object.Namespace()), cmp.Compare(a.Object.Name(), b.Object.Name()), cmp.Compare(a.Detail, b.Detail))
	})
	return out
}
