package checks

// A secret written as a literal env value lives in the manifest, and so in
// the repository, in every rendered chart, in the workload object that
// anyone with read access to it can get, and in the pod spec the kubelet
// and the audit log see. Secrets are for that; env should reference them.
//
// Inspected fields:
//   spec.containers[*].env[*].value
//   spec.initContainers[*].env[*].value
//   spec.ephemeralContainers[*].env[*].value
// Allowed values: values that do not look like secrets to package
// secretscan: judged by name (PASSWORD, SECRET, TOKEN, API_KEY...; not
// *_FILE, *_PATH, *_URL, empty values, placeholders or $(VAR) references)
// and by value (PEM private keys, cloud and SaaS tokens, JSON web tokens,
// URLs with a password). env[*].valueFrom is never reported.
// Findings name the container, the variable and the kind of secret, never
// the value.

import (
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/secretscan"
)

func init() {
	check.Register(perContainer(check.Meta{
		ID:          "secret-in-env",
		Title:       "Secret in environment variable",
		Category:    check.InformationDisclosure,
		Severity:    check.High,
		Description: "A container sets an environment variable to a literal secret. The value is then stored in the manifest and in the workload object, readable by anyone who can read either, instead of in a Secret with its own access control.",
		Remediation: "Move the value into a Secret and reference it with env[].valueFrom.secretKeyRef (or mount the Secret as a file), then rotate the exposed secret.",
		References: []string{
			refSecrets,
			"https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables",
			"https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/",
		},
	}, func(w *inventory.Workload, c inventory.Container) []check.Finding {
		var out []check.Finding
		for i, e := range c.Env {
			if e.Value == "" || e.ValueFrom != nil {
				continue
			}
			m, ok := secretscan.Classify(e.Name, e.Value)
			if !ok {
				continue
			}
			out = append(out, check.Finding{
				Path:   c.Field(fieldpath.Join(fieldpath.Index("env", i), "value")),
				Reason: "literal secrets in env",
				Detail: containerNoun(c) + " must not set env " + strconv.Quote(e.Name) +
					" to a literal secret (" + m.String() + "); use valueFrom.secretKeyRef",
			})
		}
		return out
	}))
}
