package checks

// A pull secret exists so that the kubelet can pull; whoever can read it
// (anyone who may get Secrets in its namespace, any pod that mounts it)
// holds its credential. A credential that may also push lets them replace
// the images the cluster runs: the tag the next rollout pulls, or a base
// image other builds start from.
//
// Inspected fields: of every Secret of type kubernetes.io/dockerconfigjson
// or kubernetes.io/dockercfg, data[".dockerconfigjson"] (its auths) or
// data[".dockercfg"] (or stringData): each entry's registrytoken,
// identitytoken and password (from auth when set), read as a registry
// token of the Docker registry token specification (a JWT whose "access"
// claim, or OAuth2 "scope" claim, lists the actions granted per
// repository). The credential is never printed; the repositories are.
// Allowed values: no token granting push or "*" on a repository or the
// registry.
//
// Only a token that lists its access says what the credential may do: a
// password or an opaque token (most robot accounts, cloud registries'
// short-lived passwords) does not, and is not judged; the registry's own
// permissions decide. The token's signature is not verified.

import (
	"fmt"
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "registry-credential-push-access",
			Title:       "Pull secret credential that can push",
			Category:    check.Tampering,
			Topic:       check.TopicObjects,
			Severity:    check.High,
			Description: "A pull secret holds a registry token whose claims grant push (or every action) on repositories, so whoever can read the Secret, or mount it in a pod, can replace the images the cluster and its builds pull.",
			Remediation: "Give the kubelet a read-only credential: a token, robot account or deploy token limited to pull on the repositories the namespace runs, and keep push credentials in the build pipeline.",
			References: []string{
				refRegistrySecrets,
				"https://distribution.github.io/distribution/spec/auth/jwt/",
				"https://distribution.github.io/distribution/spec/auth/scope/",
			},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, s := range inv.Secrets {
				for _, cred := range inventory.RegistryCredentials(s.Value) {
					if len(cred.Push) == 0 {
						continue
					}
					what := "repository " + quoteSome(cred.Push, maxNamespacesShown)
					if len(cred.Push) > 1 {
						what = "repositories " + quoteSome(cred.Push, maxNamespacesShown)
					}
					if cred.Push[0] == "*" {
						what = "every repository"
					}
					out = append(out, check.Finding{
						Object: s.Object,
						Path:   pullSecretPath(s.Value),
						Reason: "pull secret can push",
						Detail: fmt.Sprintf("secret %q must hold a pull-only credential for registry %s, but its registry token grants push on %s", s.Name(), strconv.Quote(cred.Server), what),
					})
				}
			}
			return out
		},
	})
}
