package checks

// A ServiceAccount's imagePullSecrets are added to every pod that runs as
// it and names no pull secret of its own (the ServiceAccount admission
// plugin does it), so each of those pods may pull any image the credential
// can read. A pull secret for registries none of those pods pulls from is
// access nobody needs: a private image of another team, or the base of an
// attack, is one image reference away.
//
// Inspected fields: ServiceAccount imagePullSecrets[*].name; the Secret it
// names in the same namespace (type kubernetes.io/dockerconfigjson or
// kubernetes.io/dockercfg: the servers of its Docker config); the
// workloads of the namespace whose spec.serviceAccountName (or the
// deprecated serviceAccount, else "default") is the ServiceAccount and
// whose spec.imagePullSecrets is empty: the images of their init, regular
// and ephemeral containers.
// Allowed values: a pull secret one of whose servers covers the image of a
// container of one of those workloads.
//
// Judged only when the scan holds the Secret and at least one workload that
// runs as the ServiceAccount: pods outside the scan (another repository, a
// job created later) may need the secret, and a Secret not in the scan has
// no registries to compare.

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "service-account-pull-secret-unused",
			Title:       "Service account holds a pull secret its pods do not use",
			Category:    check.ElevationOfPrivilege,
			Topic:       check.TopicObjects,
			Severity:    check.Low,
			Description: "A ServiceAccount's imagePullSecrets are given to every pod that runs as it, so those pods may pull anything the credential can read. When no workload of the ServiceAccount in the scan pulls an image from the secret's registries, the credential is access nobody needs. Pods outside the scan may use it; the check judges only ServiceAccounts with workloads in the scan and pull secrets in the scan.",
			Remediation: "Remove the pull secret from the ServiceAccount's imagePullSecrets, or move it to the ServiceAccount (or the pods) that pull from its registry.",
			References: []string{
				refRegistrySecrets,
				"https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#add-imagepullsecrets-to-a-service-account",
				refServiceAccounts,
			},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			secrets := map[nsName][]*corev1.Secret{}
			for _, s := range inv.Secrets {
				k := nsName{s.Namespace(), s.Name()}
				secrets[k] = append(secrets[k], s.Value)
			}
			var out []check.Finding
			for _, sa := range inv.ServiceAccounts {
				if len(sa.Value.ImagePullSecrets) == 0 {
					continue
				}
				images, workloads := serviceAccountImages(inv, sa.Namespace(), sa.Name())
				if workloads == 0 {
					continue
				}
				for i, ref := range sa.Value.ImagePullSecrets {
					ss := secrets[nsName{sa.Namespace(), ref.Name}]
					if len(ss) == 0 {
						continue
					}
					creds := inventory.RegistryCredentials(ss[len(ss)-1]) // the last one counts, as it would be applied last
					if len(creds) == 0 || anyCovered(creds, images) {
						continue
					}
					var servers []string
					for _, c := range creds {
						if !slices.Contains(servers, c.Server) {
							servers = append(servers, c.Server)
						}
					}
					out = append(out, check.Finding{
						Object: sa.Object,
						Path:   fieldpath.Index("imagePullSecrets", i),
						Reason: "unused image pull secret",
						Detail: fmt.Sprintf("service account %q must not hold image pull secret %q (%s %s): no image of the %s running as it in the scan comes from %s",
							sa.Name(), ref.Name, pluralize("registry", "registries", len(servers)), joinQuote(servers),
							countNoun(workloads, "workload"), pluralize("it", "them", len(servers))),
					})
				}
			}
			return out
		},
	})
}

// nsName is a namespaced name.
type nsName struct{ ns, name string }

// serviceAccountImages returns the images of the workloads in namespace ns
// that run as service account sa and take its pull secrets (they name
// none of their own), and how many such workloads there are.
func serviceAccountImages(inv *inventory.Inventory, ns, sa string) ([]string, int) {
	n := inv.Namespace(ns)
	if n == nil {
		return nil, 0
	}
	var images []string
	var count int
	for _, w := range n.Workloads {
		name := w.Spec.ServiceAccountName
		if name == "" {
			name = w.Spec.DeprecatedServiceAccount
		}
		if name == "" {
			name = "default"
		}
		if name != sa || len(w.Spec.ImagePullSecrets) > 0 {
			continue
		}
		count++
		images = append(images, podImages(w.Spec)...)
	}
	return images, count
}

// anyCovered reports whether a server of creds covers one of images.
func anyCovered(creds []inventory.RegistryCredential, images []string) bool {
	for _, c := range creds {
		for _, img := range images {
			if serverCovers(c.Server, img) {
				return true
			}
		}
	}
	return false
}
