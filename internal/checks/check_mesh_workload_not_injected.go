package checks

// Mutual TLS covers a workload only if the mesh's proxy runs beside it (or,
// in Istio's ambient mode, its node's ztunnel captures its traffic). A
// namespace whose policy says STRICT still holds plaintext workloads when
// their pods are not injected: the namespace is not labelled for injection,
// or the pod template opts out.
//
// Inspected fields, where the scan shows a mesh (see meshInstalled) and
// holds the workload's Namespace object:
//   Istio: the namespace's labels istio-injection (enabled, disabled),
//   istio.io/rev and istio.io/dataplane-mode (ambient); the pod template's
//   label (or annotation) sidecar.istio.io/inject and label
//   istio.io/dataplane-mode (none opts out of ambient)
//   Linkerd: the annotation linkerd.io/inject (enabled, disabled) of the
//   namespace and of the pod template
// Allowed values: pods one of the installed meshes injects, as its default
// injection webhook decides.
//
// Not judged: workloads in Kubernetes' and the meshes' own namespaces
// (kube-system, istio-system, linkerd, ...), host-network pods (no mesh
// injects them), and workloads whose Namespace object is not in the scan
// (its labels decide, and are unknown). A mesh installed with its injector
// enabled for every namespace (Istio's enableNamespacesByDefault) is not
// visible in the objects; suppress the finding then.

import (
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "mesh-workload-not-injected",
			Title:       "Workload outside the service mesh",
			Category:    check.Spoofing,
			Topic:       check.TopicWorkloads,
			Severity:    check.Low,
			Description: "Where a service mesh is installed, a workload whose pods its proxy is not injected into (the namespace is not labelled for injection, or the pod opts out) sends and accepts plaintext: the mesh's mutual TLS and authorization policies do not apply to it, whatever the namespace's PeerAuthentication says.",
			Remediation: "Label the namespace for injection (istio-injection=enabled, istio.io/rev, istio.io/dataplane-mode=ambient; or annotate it linkerd.io/inject: enabled) and remove opt-outs from the pod template, then restart the workload.",
			References:  []string{"https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/", "https://linkerd.io/2/features/proxy-injection/", refIstioMTLS},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			mesh := meshInstalled(inv)
			if !mesh.any() {
				return nil
			}
			var out []check.Finding
			for _, w := range inv.Workloads {
				ns := inv.Namespace(w.Namespace())
				if ns == nil || ns.Object == nil || meshSystemNamespace(w.Namespace()) || w.Spec.HostNetwork {
					continue
				}
				nsLabels, nsAnnotations := ns.Object.Value.Labels, ns.Object.Value.Annotations
				podLabels, podAnnotations := w.PodMeta.Labels, w.PodMeta.Annotations
				var whys []string
				if mesh.istio {
					in, why := istioInjected(nsLabels, podLabels, podAnnotations)
					if in {
						continue
					}
					whys = append(whys, why)
				}
				if mesh.linkerd {
					in, why := linkerdInjected(nsAnnotations, podAnnotations)
					if in {
						continue
					}
					whys = append(whys, why)
				}
				noun := "pod template"
				if w.MetaPath == "metadata" {
					noun = "pod"
				}
				out = append(out, check.Finding{
					Object: w.Object,
					Path:   fieldpath.Join(w.MetaPath, "labels"),
					Reason: "workload outside the mesh",
					Detail: noun + " must run in the service mesh (" + strings.Join(whys, "; ") + "), or mutual TLS does not protect it",
				})
			}
			return out
		},
	})
}

// meshSystemNamespace reports whether ns is Kubernetes' or a mesh's own
// namespace, whose workloads the mesh does not inject.
func meshSystemNamespace(ns string) bool {
	switch ns {
	case "istio-system", "istio-ingress", "istio-gateways", "linkerd", "linkerd-viz", "linkerd-jaeger", "linkerd-multicluster", "linkerd-cni":
		return true
	}
	return systemNamespace(ns)
}

// istioInjected says whether Istio's default injection (sidecar or ambient)
// covers a pod, and why not.
func istioInjected(nsLabels, podLabels, podAnnotations map[string]string) (bool, string) {
	opt := podLabels["sidecar.istio.io/inject"]
	if opt == "" {
		opt = podAnnotations["sidecar.istio.io/inject"]
	}
	switch {
	case nsLabels["istio.io/dataplane-mode"] == "ambient" && podLabels["istio.io/dataplane-mode"] != "none":
		return true, ""
	case nsLabels["istio.io/dataplane-mode"] == "ambient":
		return false, "its pods opt out of Istio's ambient mode: istio.io/dataplane-mode=none"
	case nsLabels["istio-injection"] == "disabled":
		return false, "the namespace disables Istio's injection: istio-injection=disabled"
	case opt == "false":
		return false, "its pods opt out of Istio's injection: sidecar.istio.io/inject=false"
	case nsLabels["istio-injection"] == "enabled" || nsLabels["istio.io/rev"] != "" || opt == "true":
		return true, ""
	}
	return false, "the namespace is not labelled for Istio's injection (istio-injection=enabled, istio.io/rev or istio.io/dataplane-mode=ambient)"
}

// linkerdInjected says whether Linkerd's proxy injector covers a pod, and
// why not.
func linkerdInjected(nsAnnotations, podAnnotations map[string]string) (bool, string) {
	pod, ns := podAnnotations["linkerd.io/inject"], nsAnnotations["linkerd.io/inject"]
	switch {
	case pod == "disabled":
		return false, "its pods opt out of Linkerd's injection: linkerd.io/inject=disabled"
	case pod == "enabled" || pod == "ingress" || ns == "enabled" || ns == "ingress":
		return true, ""
	}
	return false, "the namespace is not annotated for Linkerd's injection (linkerd.io/inject: enabled)"
}
