package checks

// Without a service mesh (or another layer of application authentication),
// a workload accepts every connection that reaches it: requests between
// workloads are neither authenticated with mutual TLS nor authorized per
// calling identity, so any pod that can reach a service can call it and
// impersonate its usual clients.
//
// Inspected objects: everything in the scan, for signs of Istio or Linkerd
// (see meshInstalled): objects of their API groups (security.istio.io,
// networking.istio.io, policy.linkerd.io, ...), their
// CustomResourceDefinitions, their control plane (Deployment istiod,
// linkerd-destination, linkerd-identity), namespaces labelled or annotated
// for proxy injection.
// Allowed values: some sign of a mesh. The check reports once per scan, on
// the first workload (or the first Namespace object when the scan holds no
// workload), and only when the scan holds a workload or a namespace: the
// workloads are what the control protects, and a bundle scanned from files
// and the same objects in a cluster (which adds their Namespace) then name
// the same subject.
//
// It cannot see authentication done inside the applications themselves, or
// by a mesh other than Istio and Linkerd; such a cluster suppresses it.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "mesh-not-installed",
			Title:       "No service mesh authenticates application traffic",
			Category:    check.Spoofing,
			Topic:       check.TopicCluster,
			Severity:    check.Info,
			Description: "The scan shows no service mesh (Istio or Linkerd: their policy objects, CRDs, control plane or injection markers), so the control \"mutual TLS and application-level authorization between workloads\" is not in place: any pod that can reach a service can call it. kubestride cannot see authentication the applications do themselves or a mesh it does not know; suppress the finding in that case.",
			Remediation: "Install a service mesh (Istio or Linkerd) and require mutual TLS and per-caller authorization between workloads, or suppress this finding where the applications authenticate their callers themselves.",
			References:  []string{refIstioPeerAuthn, refLinkerdFeatures, "https://kubernetes.io/docs/concepts/security/service-accounts/"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			if meshInstalled(inv).any() {
				return nil
			}
			f := check.Finding{
				Path:   "metadata",
				Reason: "no service mesh",
				Detail: "requests between workloads must be authenticated with mutual TLS and authorized per caller, but the scan shows no service mesh (Istio or Linkerd)",
			}
			switch {
			case len(inv.Workloads) > 0:
				f.Object = inv.Workloads[0].Object
			case len(inv.Namespaces) > 0:
				f.Object = inv.Namespaces[0].Object
			default:
				return nil
			}
			return []check.Finding{f}
		},
	})
}
