package checks

// An object written in an API version the API server no longer serves is
// refused when applied: the workload, or the network policy, role or
// webhook the manifest declares, is not what runs. The cluster keeps the
// last version someone managed to apply, or nothing, so what the repository
// says protects the cluster is not what does. The loader still reads such an
// object as the current version of its kind, so every other check evaluates
// it.
//
// Inspected fields: apiVersion and kind.
// Allowed values: any apiVersion the API server still serves for the kind.
//
// Network policies and pod security policies are medium: the protection they
// declare is what goes missing. Every other kind is low.

import (
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

// removedAPI is an API version of a kind that Kubernetes stopped serving.
type removedAPI struct {
	// Replacement is the apiVersion to use instead; empty when the kind
	// itself is gone.
	Replacement string
	// Instead says what replaces a kind that is gone.
	Instead string
	// Removed is the Kubernetes release that stopped serving it.
	Removed string
}

// removedAPIs maps "apiVersion kind" to its removal, from the Kubernetes
// deprecated API migration guide.
var removedAPIs = func() map[string]removedAPI {
	m := map[string]removedAPI{}
	add := func(removed, replacement string, from []string, kinds ...string) {
		for _, v := range from {
			for _, k := range kinds {
				m[v+" "+k] = removedAPI{Replacement: replacement, Removed: removed}
			}
		}
	}
	add("1.16", "apps/v1", []string{"extensions/v1beta1"}, "Deployment", "DaemonSet", "ReplicaSet")
	add("1.16", "apps/v1", []string{"apps/v1beta1", "apps/v1beta2"}, "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision")
	add("1.16", "networking.k8s.io/v1", []string{"extensions/v1beta1"}, "NetworkPolicy")
	add("1.22", "networking.k8s.io/v1", []string{"extensions/v1beta1", "networking.k8s.io/v1beta1"}, "Ingress")
	add("1.22", "networking.k8s.io/v1", []string{"networking.k8s.io/v1beta1"}, "IngressClass")
	add("1.22", "rbac.authorization.k8s.io/v1", []string{"rbac.authorization.k8s.io/v1alpha1", "rbac.authorization.k8s.io/v1beta1"}, "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
	add("1.22", "admissionregistration.k8s.io/v1", []string{"admissionregistration.k8s.io/v1beta1"}, "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")
	add("1.22", "apiextensions.k8s.io/v1", []string{"apiextensions.k8s.io/v1beta1"}, "CustomResourceDefinition")
	add("1.22", "apiregistration.k8s.io/v1", []string{"apiregistration.k8s.io/v1beta1"}, "APIService")
	add("1.22", "certificates.k8s.io/v1", []string{"certificates.k8s.io/v1beta1"}, "CertificateSigningRequest")
	add("1.22", "coordination.k8s.io/v1", []string{"coordination.k8s.io/v1beta1"}, "Lease")
	add("1.22", "scheduling.k8s.io/v1", []string{"scheduling.k8s.io/v1beta1"}, "PriorityClass")
	add("1.22", "storage.k8s.io/v1", []string{"storage.k8s.io/v1beta1"}, "CSIDriver", "CSINode", "StorageClass", "VolumeAttachment")
	add("1.25", "batch/v1", []string{"batch/v1beta1", "batch/v2alpha1"}, "CronJob")
	add("1.25", "policy/v1", []string{"policy/v1beta1"}, "PodDisruptionBudget")
	add("1.25", "discovery.k8s.io/v1", []string{"discovery.k8s.io/v1beta1"}, "EndpointSlice")
	add("1.25", "events.k8s.io/v1", []string{"events.k8s.io/v1beta1"}, "Event")
	add("1.25", "autoscaling/v2", []string{"autoscaling/v2beta1"}, "HorizontalPodAutoscaler")
	add("1.26", "autoscaling/v2", []string{"autoscaling/v2beta2"}, "HorizontalPodAutoscaler")
	add("1.25", "node.k8s.io/v1", []string{"node.k8s.io/v1beta1"}, "RuntimeClass")
	add("1.26", "flowcontrol.apiserver.k8s.io/v1", []string{"flowcontrol.apiserver.k8s.io/v1beta1"}, "FlowSchema", "PriorityLevelConfiguration")
	add("1.29", "flowcontrol.apiserver.k8s.io/v1", []string{"flowcontrol.apiserver.k8s.io/v1beta2"}, "FlowSchema", "PriorityLevelConfiguration")
	add("1.32", "flowcontrol.apiserver.k8s.io/v1", []string{"flowcontrol.apiserver.k8s.io/v1beta3"}, "FlowSchema", "PriorityLevelConfiguration")
	add("1.27", "storage.k8s.io/v1", []string{"storage.k8s.io/v1beta1"}, "CSIStorageCapacity")
	psa := "Pod Security Admission (pod-security.kubernetes.io labels on the namespace)"
	m["extensions/v1beta1 PodSecurityPolicy"] = removedAPI{Instead: psa, Removed: "1.16"}
	m["policy/v1beta1 PodSecurityPolicy"] = removedAPI{Instead: psa, Removed: "1.25"}
	return m
}()

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "deprecated-api-version",
			Title:       "API version no longer served",
			Category:    check.Tampering,
			Topic:       check.TopicObjects,
			Severity:    check.Low,
			Description: "An object written in an API version that Kubernetes stopped serving is refused when applied, so the cluster does not run what the manifest declares: it keeps an older object, or none, and the network policies, roles and webhooks the repository shows may not be the ones in force.",
			Remediation: "Rewrite the object in the API version that replaced it (kubectl convert can do it), checking the fields that version changed.",
			References:  []string{"https://kubernetes.io/docs/reference/using-api/deprecation-guide/"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, obj := range inv.Objects {
				if f, ok := deprecatedAPIVersion(obj); ok {
					out = append(out, f)
				}
			}
			return out
		},
	})
}

func deprecatedAPIVersion(obj *object.Object) (check.Finding, bool) {
	r, ok := removedAPIs[obj.APIVersion+" "+obj.Kind]
	if !ok {
		return check.Finding{}, false
	}
	detail := obj.Kind + " " + strconv.Quote(obj.Name()) + " must not use apiVersion " + obj.APIVersion + " (no longer served since Kubernetes " + r.Removed + ")"
	if r.Replacement != "" {
		detail += "; use " + r.Replacement
	} else {
		detail += "; the kind is gone, use " + r.Instead
	}
	var sev check.Severity
	if obj.Kind == "NetworkPolicy" || obj.Kind == "PodSecurityPolicy" {
		sev = check.Medium
	}
	return check.Finding{
		Object:   obj,
		Path:     "apiVersion",
		Reason:   "API version no longer served",
		Detail:   detail,
		Severity: sev,
	}, true
}
