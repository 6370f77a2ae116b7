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
//   the RoleBindings and ClusterRoleBindings whose subjects name the
//     ServiceAccount, or the group every ServiceAccount of its namespace is
//     in (system:serviceaccounts:NAMESPACE); a binding to every
//     ServiceAccount of the cluster (system:serviceaccounts, as the
//     bootstrap discovery bindings are) says nothing of this workload and
//     is not counted, so a live cluster and its manifests agree
// Allowed values: false on the pod spec; or unset on the pod spec and false
// on its ServiceAccount. An explicit true on the pod spec is reported even
// when the ServiceAccount says false, since the pod's setting wins.
//
// Grades: medium (the default) when no binding of the scan names the
// ServiceAccount: the workload has nothing to do with the API and should
// drop the token. Low when one does: the workload calls the API, and
// setting automount to false would break it. The automounted token is
// still wider than it needs to be (its audience is the API server, and the
// kubelet may extend its lifetime to a year), so the finding asks for a
// projected serviceAccountToken volume with an audience and a short
// expirationSeconds in its place. Bindings to system:authenticated are not
// counted: they grant every client alike and say nothing of the workload.

import (
	"strconv"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/rbac"
)

func init() {
	check.Register(funcCheck{meta: check.Meta{
		ID:          "service-account-token-automount",
		Title:       "Service account token automounted",
		Category:    check.Spoofing,
		Topic:       check.TopicObjects,
		Severity:    check.Medium,
		Description: "The pod mounts its service account token, so anything running in it, including an attacker who gains code execution, can authenticate to the Kubernetes API as the workload. Workloads that do not call the API do not need the token.",
		Remediation: "Set automountServiceAccountToken: false on the pod spec (or on its ServiceAccount); where the workload calls the API (its ServiceAccount is bound to a role), mount a projected serviceAccountToken volume with an audience and a short expirationSeconds in place of the automounted token.",
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
// ServiceAccount and the bindings that name it.
func automountFindings(inv *inventory.Inventory, w *inventory.Workload) []check.Finding {
	spec := w.Spec
	name := podServiceAccount(w)
	path := w.SpecPath
	if v := spec.AutomountServiceAccountToken; v != nil {
		if !*v {
			return nil
		}
		path = w.Path("automountServiceAccountToken")
	} else if sa := inv.ServiceAccount(w.Namespace(), name); sa != nil {
		// A ServiceAccount that is not in the scan is taken to mount its
		// token, the API's default.
		if v := sa.Value.AutomountServiceAccountToken; v != nil && !*v {
			return nil
		}
	}
	f := check.Finding{Object: w.Object, Path: path, Reason: automountReason}
	if bs := serviceAccountBindings(inv)[rbac.ServiceAccount(w.Namespace(), name)]; len(bs) > 0 {
		f.Severity = check.Low
		// The bindings are not named: a scan of one namespace of a live
		// cluster does not see the ClusterRoleBindings its manifests
		// hold, and the finding must read the same in both.
		f.Detail = "pod spec must mount a projected serviceAccountToken volume with an audience and a short expirationSeconds in place of the automounted token (service account " +
			strconv.Quote(name) + " holds RBAC bindings, so the workload calls the API)"
		return []check.Finding{f}
	}
	if spec.AutomountServiceAccountToken != nil {
		f.Detail = "pod spec must set automountServiceAccountToken=false, not true"
	} else {
		f.Detail = "pod spec must set automountServiceAccountToken=false (service account " + strconv.Quote(name) + " mounts its token)"
	}
	return []check.Finding{f}
}

// serviceAccountBindings maps each ServiceAccount of a workload's namespace
// to the bindings of inv that name it, or a group every ServiceAccount of
// the namespace is in, ClusterRoleBindings then RoleBindings, each in load
// order; built once per inventory.
func serviceAccountBindings(inv *inventory.Inventory) map[rbac.Subject][]rbac.Ref {
	return inv.Derived(saBindingsKey{}, func(inv *inventory.Inventory) any {
		accounts := map[rbac.Subject]bool{}
		for _, w := range inv.Workloads {
			if ns := w.Namespace(); ns != "" {
				accounts[rbac.ServiceAccount(ns, podServiceAccount(w))] = true
			}
		}
		out := map[rbac.Subject][]rbac.Ref{}
		for _, b := range allBindings(inv) {
			ref := rbac.Ref{Kind: "RoleBinding", Namespace: b.obj.Namespace(), Name: b.obj.Name()}
			if b.cluster {
				ref = rbac.Ref{Kind: "ClusterRoleBinding", Name: b.obj.Name()}
			}
			named := map[rbac.Subject]bool{}
			for _, s := range b.subjects {
				switch {
				case s.Kind == rbacv1.ServiceAccountKind:
					if sa := rbac.ServiceAccount(b.subjectNamespace(s), s.Name); sa.Namespace != "" && accounts[sa] {
						named[sa] = true
					}
				case s.Kind == rbacv1.GroupKind:
					ns, ok := strings.CutPrefix(s.Name, "system:serviceaccounts:")
					if !ok {
						continue
					}
					for sa := range accounts {
						if sa.Namespace == ns {
							named[sa] = true
						}
					}
				}
			}
			for sa := range named {
				out[sa] = append(out[sa], ref)
			}
		}
		return out
	}).(map[rbac.Subject][]rbac.Ref)
}

type saBindingsKey struct{}

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
