package inventory

import (
	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/source"
)

// Summarize reduces obj to what cross-object checks read, once the local
// checks (check.Local) have seen it, and reports whether it is worth keeping
// at all. A streaming scan files only the summaries in its retained
// inventory, so memory follows what cross-object checks need rather than
// the size of the input.
//
// Kept: namespaces, service accounts, network policies, quotas, limit
// ranges, RBAC objects and admission webhook configurations whole; Secrets
// with their keys but not their values; workloads with their metadata and
// the pod-level fields of their pod spec, but not their containers or
// volumes, and a line index cut down to those fields. Everything else is
// dropped. Cross-object checks must read only what is kept; the test that
// compares streaming and whole-inventory scans guards that.
func Summarize(obj *source.Object) bool {
	if w := newWorkload(obj); w != nil {
		s := w.Spec
		s.Containers, s.InitContainers, s.EphemeralContainers, s.Volumes = nil, nil, nil, nil
		obj.Meta.ManagedFields = nil
		obj.Lines = obj.Lines.Keep(
			"metadata.labels", "metadata.annotations",
			fieldpath.Join(w.MetaPath, "labels"),
			w.Path("serviceAccountName"), w.Path("serviceAccount"),
			w.Path("automountServiceAccountToken"), w.Path("nodeName"),
			w.Path("hostNetwork"), w.Path("hostPID"), w.Path("hostIPC"),
		)
		return true
	}
	switch v := obj.Typed.(type) {
	case *corev1.Secret:
		for k := range v.Data {
			v.Data[k] = nil
		}
		for k := range v.StringData {
			v.StringData[k] = ""
		}
		return true
	case *corev1.Namespace, *corev1.ServiceAccount, *corev1.ResourceQuota, *corev1.LimitRange,
		*networkingv1.NetworkPolicy, *rbacv1.Role, *rbacv1.ClusterRole, *rbacv1.RoleBinding,
		*rbacv1.ClusterRoleBinding, *admissionv1.ValidatingWebhookConfiguration,
		*admissionv1.MutatingWebhookConfiguration:
		return true
	}
	return false
}
