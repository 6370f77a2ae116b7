package inventory

import (
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
)

// AddSummary files what cross-object checks read of obj, once the local
// checks (check.Local) have seen it. A streaming scan keeps only these
// summaries, so its memory follows what cross-object checks need rather than
// the size of the input.
//
// Kept whole: the objects of the node checks (Inventory.NodeObjects, beside
// their summary), nodes (without their status), namespaces, service accounts,
// network policies, quotas, limit ranges, RBAC objects and admission webhook
// configurations, and service-mesh policy objects (IsMeshPolicy).
// Workloads are kept as a Workload whose object has only its name, namespace, UID, owners and suppression annotations
// (kubestride.io/ignore.*), whose pod metadata has only its labels and
// Linkerd's policy annotations (meshAnnotations), and
// whose pod spec has only the pod-level identity and host fields (service
// account, token automount, node, host namespaces, user namespaces), with a
// line index cut down to those fields. Secrets are kept as their name,
// namespace, type and service-account annotation (which make a legacy token
// Secret), never their data. Everything else — containers, volumes,
// ConfigMaps, Services — is dropped but for its identity (apiVersion, kind,
// name, namespace, origin), kept in Objects. Cross-object checks
// must read only what is kept; the test comparing streaming and
// whole-inventory scans guards that.
func (inv *Inventory) AddSummary(obj *object.Object) {
	if host.IsNodeObject(obj) {
		inv.NodeObjects = append(inv.NodeObjects, obj) // kept whole: see Inventory.NodeObjects
	}
	if ws := inv.workloads(obj); len(ws) > 0 {
		kept := summarizeObject(obj, ws)
		inv.Objects = append(inv.Objects, kept)
		for _, w := range ws {
			inv.addWorkload(summarizeWorkload(w, kept))
		}
		return
	}
	switch v := obj.Typed.(type) {
	case *corev1.Secret:
		summarizeSecret(obj, v)
	case *corev1.Node:
		v.Status = corev1.NodeStatus{} // images, conditions: not read by any check
	case *corev1.Namespace, *corev1.ServiceAccount, *corev1.ResourceQuota, *corev1.LimitRange,
		*networkingv1.NetworkPolicy, *rbacv1.Role, *rbacv1.ClusterRole, *rbacv1.RoleBinding,
		*rbacv1.ClusterRoleBinding, *admissionv1.ValidatingWebhookConfiguration,
		*admissionv1.MutatingWebhookConfiguration:
	default:
		if IsMeshPolicy(obj) {
			inv.Objects = append(inv.Objects, obj) // kept whole: the mesh checks relate them
			return
		}
		inv.Objects = append(inv.Objects, &object.Object{
			Origin: obj.Origin, APIVersion: obj.APIVersion, Kind: obj.Kind,
			Meta:  &metav1.ObjectMeta{Name: obj.Meta.Name, Namespace: obj.Meta.Namespace, Annotations: ignoreAnnotations(obj.Meta.Annotations)},
			Lines: obj.Lines.Keep("metadata.name"),
		})
		return
	}
	obj.Meta.ManagedFields = nil
	inv.Add(obj)
}

// summarizeObject keeps of a workload object its identity, owners and
// suppression annotations, with the lines of the fields its workloads' kept
// fields sit at.
func summarizeObject(o *object.Object, ws []*Workload) *object.Object {
	m := o.Meta
	paths := []string{"metadata.name", "metadata.labels", "metadata.annotations"}
	for _, w := range ws {
		paths = append(paths,
			fieldpath.Join(w.MetaPath, "labels"), fieldpath.Join(w.MetaPath, "annotations"),
			w.Path("serviceAccountName"), w.Path("serviceAccount"),
			w.Path("automountServiceAccountToken"), w.Path("nodeName"),
			w.Path("hostNetwork"), w.Path("hostPID"), w.Path("hostIPC"), w.Path("hostUsers"),
		)
		for k := range meshAnnotations(w.PodMeta.Annotations) {
			paths = append(paths, fieldpath.Key(fieldpath.Join(w.MetaPath, "annotations"), k))
		}
	}
	return &object.Object{
		Origin:     o.Origin,
		APIVersion: o.APIVersion,
		Kind:       o.Kind,
		Meta: &metav1.ObjectMeta{
			Name: m.Name, Namespace: m.Namespace, UID: m.UID,
			Annotations: ignoreAnnotations(m.Annotations), OwnerReferences: m.OwnerReferences,
		},
		Lines: o.Lines.Keep(paths...),
	}
}

func summarizeWorkload(w *Workload, kept *object.Object) *Workload {
	pm, s := w.PodMeta, w.Spec
	return &Workload{
		Object:   kept,
		PodMeta:  &metav1.ObjectMeta{Labels: pm.Labels, Annotations: meshAnnotations(pm.Annotations)},
		SpecPath: w.SpecPath,
		MetaPath: w.MetaPath,
		paths:    w.paths,
		Spec: &corev1.PodSpec{
			ServiceAccountName:           s.ServiceAccountName,
			DeprecatedServiceAccount:     s.DeprecatedServiceAccount,
			AutomountServiceAccountToken: s.AutomountServiceAccountToken,
			NodeName:                     s.NodeName,
			HostNetwork:                  s.HostNetwork,
			HostPID:                      s.HostPID,
			HostIPC:                      s.HostIPC,
			HostUsers:                    s.HostUsers,
		},
	}
}

// meshAnnotationPrefixes start the pod annotations the mesh checks read
// (Linkerd's default inbound policy); a workload summary keeps only those.
var meshAnnotationPrefixes = []string{"config.linkerd.io/", "linkerd.io/inject"}

// meshAnnotations returns the annotations of a that the mesh checks read.
func meshAnnotations(a map[string]string) map[string]string {
	var out map[string]string
	for k, v := range a {
		for _, p := range meshAnnotationPrefixes {
			if strings.HasPrefix(k, p) {
				if out == nil {
					out = map[string]string{}
				}
				out[k] = v
			}
		}
	}
	return out
}

// meshPolicyGroups are the API groups of service-mesh policy objects
// (Istio's security policies, Linkerd's policy resources).
var meshPolicyGroups = []string{"security.istio.io/", "policy.linkerd.io/"}

// IsMeshPolicy reports whether obj is a service-mesh policy object, which
// the mesh checks read from its JSON (object.Object.Raw) and relate to
// namespaces and workloads; a summary keeps it whole.
func IsMeshPolicy(obj *object.Object) bool {
	for _, g := range meshPolicyGroups {
		if strings.HasPrefix(obj.APIVersion, g) {
			return true
		}
	}
	return false
}

// ignoreAnnotationPrefix starts the annotations that suppress a check on an
// object (see package scan); a summary keeps only those.
const ignoreAnnotationPrefix = "kubestride.io/ignore."

func ignoreAnnotations(a map[string]string) map[string]string {
	var out map[string]string
	for k, v := range a {
		if strings.HasPrefix(k, ignoreAnnotationPrefix) {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// summarizeSecret replaces a Secret by one that holds only what names a
// legacy service-account token: its identity, type and service-account
// annotation (and suppression annotations). Its data is gone.
func summarizeSecret(obj *object.Object, s *corev1.Secret) {
	kept := &corev1.Secret{
		TypeMeta: s.TypeMeta,
		ObjectMeta: metav1.ObjectMeta{
			Name: s.Name, Namespace: s.Namespace, UID: s.UID,
			Annotations: ignoreAnnotations(s.Annotations),
		},
		Type: s.Type,
	}
	if sa, ok := s.Annotations[corev1.ServiceAccountNameKey]; ok {
		if kept.Annotations == nil {
			kept.Annotations = map[string]string{}
		}
		kept.Annotations[corev1.ServiceAccountNameKey] = sa
	}
	obj.Typed, obj.Meta = kept, &kept.ObjectMeta
	obj.Lines = obj.Lines.Keep("metadata.name", "metadata.annotations", "type")
}
