package rbac

import (
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

// benchPathsInventory is benchObjects (10,000 roles and bindings) with a
// cluster-admin ClusterRole bound to one ServiceAccount, escalating rules
// bound here and there (binding writes with bind on every role, role
// escalation), a Deployment per ServiceAccount and a legacy token
// Secret for every fifth one.
func benchPathsInventory() *inventory.Inventory {
	objs := benchObjects()
	objs = append(objs,
		clusterRole("all", nil, pr(l("*"), l("*"), l("*"))),
		crb("all", "all", sa("ns0", "sa0")),
		clusterRole("kubelet", nil, pr(l("get"), l(""), l("nodes/proxy"))),
		crb("kubelet", "kubelet", group("group7")),
		clusterRole("sudo", nil, pr(l("impersonate"), l(""), l("users", "serviceaccounts"), "user3", "sa1")),
		crb("sudo", "sudo", user("user5")),
		// Binding writes everywhere with bind on every role, and
		// escalation of a role bound in one namespace.
		clusterRole("binder", nil, pr(l("create"), l("rbac.authorization.k8s.io"), l("rolebindings", "clusterrolebindings")),
			pr(l("bind"), l("rbac.authorization.k8s.io"), l("clusterroles", "roles"))),
		crb("binder", "binder", group("group11")),
		clusterRole("escalator", nil, pr(l("escalate", "update"), l("rbac.authorization.k8s.io"), l("roles"))),
		crb("escalator", "escalator", user("user8")),
	)
	for i := range 500 {
		ns, name := fmt.Sprintf("ns%d", i%50), fmt.Sprintf("sa%d", i/50)
		objs = append(objs, &appsv1.Deployment{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app" + name},
			Spec:       appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{ServiceAccountName: name}}},
		})
		if i%5 == 0 {
			objs = append(objs, &corev1.Secret{
				TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
				ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name + "-token", Annotations: map[string]string{corev1.ServiceAccountNameKey: name}},
				Type:       corev1.SecretTypeServiceAccountToken,
			})
		}
	}
	inv := inventory.New()
	for _, o := range objs {
		inv.Add(object.New(o, metaOf(o)))
	}
	return inv
}

func metaOf(o runtime.Object) *metav1.ObjectMeta {
	switch v := o.(type) {
	case *rbacv1.Role:
		return &v.ObjectMeta
	case *rbacv1.ClusterRole:
		return &v.ObjectMeta
	case *rbacv1.RoleBinding:
		return &v.ObjectMeta
	case *rbacv1.ClusterRoleBinding:
		return &v.ObjectMeta
	case *corev1.ServiceAccount:
		return &v.ObjectMeta
	case *corev1.Secret:
		return &v.ObjectMeta
	case *appsv1.Deployment:
		return &v.ObjectMeta
	}
	return nil
}

// BenchmarkPaths is the full path analysis (model included) of 10,000
// roles and bindings.
func BenchmarkPaths(b *testing.B) {
	inv := benchPathsInventory()
	n := 0
	for b.Loop() {
		n = len(Paths(Build(inv), inv))
	}
	b.ReportMetric(float64(n), "paths")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/analysis")
}
