package checks

// Helpers of the EncryptionConfiguration checks. The API server encrypts a
// resource with the first provider of the first resources entry that
// names it ("secrets", "deployments.apps", or the wildcards "*." for the
// core group, "*.apps" for a group, "*.*" for every resource), and decrypts
// with whichever provider of that entry can.

import (
	"strings"

	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"

	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
)

// encryptionConf is an EncryptionConfiguration and its content.
type encryptionConf struct {
	obj *object.Object
	cfg *apiserverv1.EncryptionConfiguration
}

// encryptionConfigs returns the EncryptionConfigurations that decode; one
// that does not stops the API server, and the loader reports it.
func (v *nodeView) encryptionConfigs() []encryptionConf {
	var out []encryptionConf
	for _, obj := range v.objects(host.EncryptionConfigKind) {
		if cfg, err := host.EncryptionConfig(obj); err == nil {
			out = append(out, encryptionConf{obj, cfg})
		}
	}
	return out
}

// resourceMatches reports whether name, as a resources entry writes it,
// names resource of API group ("" for the core group).
func resourceMatches(name, resource, group string) bool {
	res, grp, _ := strings.Cut(name, ".")
	return (res == "*" || res == resource) && (grp == "*" || grp == group)
}

// isWildcard reports whether a resources entry's name is a wildcard.
func isWildcard(name string) bool { return strings.HasPrefix(name, "*") }

// entryFor returns the index of the first resources entry of cfg that
// names resource of group, or -1.
func entryFor(cfg *apiserverv1.EncryptionConfiguration, resource, group string) int {
	for i, r := range cfg.Resources {
		for _, name := range r.Resources {
			if resourceMatches(name, resource, group) {
				return i
			}
		}
	}
	return -1
}

// providerName returns the JSON name of provider p's kind: "aescbc",
// "kms", ...; "" for a provider that sets none.
func providerName(p apiserverv1.ProviderConfiguration) string {
	switch {
	case p.AESGCM != nil:
		return "aesgcm"
	case p.AESCBC != nil:
		return "aescbc"
	case p.Secretbox != nil:
		return "secretbox"
	case p.KMS != nil:
		return "kms"
	case p.Identity != nil:
		return "identity"
	}
	return ""
}

// localKeys returns the keys a provider keeps in the file (aescbc, aesgcm,
// secretbox), or nil.
func localKeys(p apiserverv1.ProviderConfiguration) []apiserverv1.Key {
	switch {
	case p.AESGCM != nil:
		return p.AESGCM.Keys
	case p.AESCBC != nil:
		return p.AESCBC.Keys
	case p.Secretbox != nil:
		return p.Secretbox.Keys
	}
	return nil
}
