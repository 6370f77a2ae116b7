package checks

// A pod that mounts its service account token hands every process in it,
// and anyone who compromises one, a credential for the Kubernetes API: the
// attacker can act as the workload's identity. Most workloads never call the
// API and should not carry the token.
//
// Inspected fields:
//   spec.automountServiceAccountToken (pod spec)
//   automountServiceAccountToken of the pod's ServiceAccount
//     (spec.serviceAccountName, else the deprecated spec.serviceAccount,
//     else "default", in the pod's namespace), when the scan holds it
// Allowed values: false on the pod spec; or unset on the pod spec and false
// on its ServiceAccount. An explicit true on the pod spec is reported even
// when the ServiceAccount says false, since the pod's setting wins.

import (
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{meta: check.Meta{
		ID:          "service-account-token-automount",
		Title:       "Service account token automounted",
		Category:    check.Spoofing,
		Topic:       check.TopicObjects,
		Severity:    check.Medium,
		Description: "The pod mounts its service account token, so anything running in it, including an attacker who gains code execution, can authenticate to the Kubernetes API as the workload. Workloads that do not call the API do not need the token.",
		Remediation: "Set automountServiceAccountToken: false on the pod spec (or on its ServiceAccount), and mount a projected token with an audience only where the API is needed.",
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
			refServiceAccounts,
			refHardening,
		},
	}, run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
		var out []check.Finding
		for _, w := range inv.Workloads {
			out = append(out, automountFindings(inv, w)...)
		}
		return out
	}})
}

const automountReason = "automounted service account tokens"

// automountFindings returns the finding for w, if any; inv supplies its
// ServiceAccount.
func automountFindings(inv *inventory.Inventory, w *inventory.Workload) []check.Finding {
	spec := w.Spec
	if v := spec.AutomountServiceAccountToken; v != nil {
		if !*v {
			return nil
		}
		return []check.Finding{{
			Object: w.Object,
			Path:   w.Path("automountServiceAccountToken"),
			Reason: automountReason,
			Detail: "pod spec must set automountServiceAccountToken=false, not true",
		}}
	}
	// A ServiceAccount that is not in the scan is taken to mount its token,
	// the API's default.
	name := podServiceAccount(w)
	if sa := inv.ServiceAccount(w.Namespace(), name); sa != nil {
		if v := sa.Value.AutomountServiceAccountToken; v != nil && !*v {
			return nil
		}
	}
	return []check.Finding{{
		Object: w.Object,
		Path:   w.SpecPath,
		Reason: automountReason,
		Detail: "pod spec must set automountServiceAccountToken=false (service account " + strconv.Quote(name) + " mounts its token)",
	}}
}

// podServiceAccount returns the name of the ServiceAccount the pod runs as:
// serviceAccountName, else the deprecated serviceAccount, else "default".
func podServiceAccount(w *inventory.Workload) string {
	switch {
	case w.Spec.ServiceAccountName != "":
		return w.Spec.ServiceAccountName
	case w.Spec.DeprecatedServiceAccount != "":
		return w.Spec.DeprecatedServiceAccount
	}
	return "default"
}
