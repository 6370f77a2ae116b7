package checks

// A namespace that the scan knows only through the objects in it (a bundle
// applied with kubectl apply -n, which holds no Namespace object) is not
// judged by namespace-default-deny-missing, which reports on the Namespace
// object. This check judges each workload of such a namespace instead: pods
// that no NetworkPolicy limits accept connections from every pod in the
// cluster. Where the scan holds the Namespace object, it reports nothing,
// so that the same gap is not reported twice.
//
// Inspected objects: the NetworkPolicy objects of the workload's namespace
// (spec.podSelector, spec.policyTypes, spec.ingress); the labels of the pods
// the workload makes; whether a Namespace object of that name is in the scan.
// Allowed values: some NetworkPolicy that applies to ingress selects the
// pods, and none that selects them has an ingress rule without from or
// ports (which would allow all ingress again).

import (
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{meta: check.Meta{
		ID:          "workload-ingress-unrestricted",
		Title:       "Workload open to ingress from every pod",
		Category:    check.DenialOfService,
		Topic:       check.TopicWorkloads,
		Severity:    check.Medium,
		Description: "No NetworkPolicy limits the ingress of the workload's pods, so every pod in the cluster can connect to them, and one compromised workload can reach, flood or exploit them. The scan holds no Namespace object for the workload's namespace (manifests applied with kubectl apply -n), so the workload is judged on its own rather than through namespace-default-deny-missing.",
		Remediation: "Add a default-deny ingress NetworkPolicy (podSelector: {} with policyTypes: [Ingress]) to the namespace, or a NetworkPolicy that selects the workload's pods and allows only the traffic they need.",
		References:  []string{refNetworkPolicy, refNetworkPolicy + "#default-deny-all-ingress-traffic", refHardening},
	}, run: workloadIngressUnrestricted})
}

func workloadIngressUnrestricted(inv *inventory.Inventory, _ check.Options) []check.Finding {
	var out []check.Finding
	policies := map[string]ingressPolicies{}
	for _, w := range inv.Workloads {
		ns := inv.Namespace(w.Namespace())
		if ns == nil || ns.Object != nil {
			// The Namespace object is in the scan:
			// namespace-default-deny-missing judges the namespace.
			continue
		}
		ps, ok := policies[ns.Name]
		if !ok {
			ps = namespaceIngressPolicies(ns)
			policies[ns.Name] = ps
		}
		open, openedBy := ps.open(w)
		if !open {
			continue
		}
		detail := "pods must be selected by a NetworkPolicy that limits their ingress; "
		if openedBy != "" {
			detail += "NetworkPolicy " + strconv.Quote(openedBy) + " selects them and allows all ingress"
		} else {
			detail += "no ingress NetworkPolicy of " + namespaceNoun(ns.Name) + " selects them"
		}
		path := w.MetaPath
		if w.PodMeta.Labels != nil {
			path = fieldpath.Join(w.MetaPath, "labels")
		}
		out = append(out, check.Finding{
			Object: w.Object,
			Path:   path,
			Reason: "ingress open to every pod",
			Detail: detail,
		})
	}
	return out
}
