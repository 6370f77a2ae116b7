package checks

// Every pod that names no service account runs as its namespace's
// "default" ServiceAccount, so every such pod shares one identity: a
// permission granted to "default" for one workload is granted to all of
// them, and their API calls cannot be told apart.
//
// Inspected fields:
//   spec.serviceAccountName
//   spec.serviceAccount (deprecated alias, read when serviceAccountName is unset)
// Allowed values: the name of a dedicated ServiceAccount; not "default",
// and not unset.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(perWorkload(check.Meta{
		ID:          "default-service-account",
		Title:       "Default service account used",
		Category:    check.Spoofing,
		Severity:    check.Low,
		Description: "The pod runs as its namespace's default ServiceAccount, an identity shared by every pod that names none. Permissions granted to it reach all of those pods, and audit logs cannot tell them apart.",
		Remediation: "Create a ServiceAccount for the workload and set spec.serviceAccountName to it.",
		References: []string{
			refServiceAccounts,
			"https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",
			refRBACGood,
		},
	}, defaultServiceAccountFindings))
}

func defaultServiceAccountFindings(w *inventory.Workload, _ check.Options) []check.Finding {
	const reason = "default service account"
	f := check.Finding{Object: w.Object, Reason: reason}
	switch spec := w.Spec; {
	case spec.ServiceAccountName != "":
		if spec.ServiceAccountName != "default" {
			return nil
		}
		f.Path = w.Path("serviceAccountName")
		f.Detail = `pod spec must set serviceAccountName to a dedicated service account, not "default"`
	case spec.DeprecatedServiceAccount != "":
		if spec.DeprecatedServiceAccount != "default" {
			return nil
		}
		f.Path = w.Path("serviceAccount")
		f.Detail = `pod spec must set serviceAccountName to a dedicated service account, not serviceAccount="default"`
	default:
		f.Path = w.SpecPath
		f.Detail = `pod spec must set serviceAccountName to a dedicated service account (unset means "default")`
	}
	return []check.Finding{f}
}
