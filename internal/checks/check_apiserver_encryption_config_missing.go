package checks

// Without --encryption-provider-config the kube-apiserver writes Secrets
// (and every other resource) to etcd as they are: anyone who reads etcd's
// data directory, a snapshot or a backup reads every Secret of the
// cluster.
//
// Inspected: --encryption-provider-config of every kube-apiserver (static
// pod or process). Allowed: set. What the EncryptionConfiguration holds
// (provider order, KMS, resources) is judged by the encryption checks.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-encryption-config-missing",
		Title:       "API server stores Secrets unencrypted",
		Category:    check.InformationDisclosure,
		Severity:    check.High,
		Description: "Without --encryption-provider-config the kube-apiserver stores Secrets in etcd in plain text, so every etcd snapshot, backup or copy of its data directory discloses all the cluster's credentials.",
		Remediation: "Write an EncryptionConfiguration that encrypts at least secrets with a KMS v2 provider and set --encryption-provider-config to it on the kube-apiserver.",
		CIS:         "1.2.27",
		References: []string{
			"https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/",
			"https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			out = append(out, flagsRequired(c, "secrets stored unencrypted",
				"Secrets are stored in etcd in plain text by default", "encryption-provider-config")...)
		}
		return out
	}))
}
