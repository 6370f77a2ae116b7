package rbac

import (
	"fmt"
	"math/rand/v2"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// benchObjects returns 5,000 roles and 5,000 bindings over 50 namespaces,
// 1,000 users, 100 groups and 500 ServiceAccounts.
func benchObjects() []runtime.Object {
	r := rand.New(rand.NewPCG(1, 2))
	verbs := []string{"get", "list", "watch", "create", "update", "patch", "delete", "*"}
	resources := []string{"pods", "pods/exec", "secrets", "configmaps", "deployments", "services", "*"}
	rules := func() []rbacv1.PolicyRule {
		var out []rbacv1.PolicyRule
		for range 1 + r.IntN(4) {
			out = append(out, pr(l(verbs[r.IntN(len(verbs))], verbs[r.IntN(len(verbs))]), l("", "apps"), l(resources[r.IntN(len(resources))])))
		}
		return out
	}
	subject := func() rbacv1.Subject {
		switch r.IntN(3) {
		case 0:
			return user(fmt.Sprintf("user%d", r.IntN(1000)))
		case 1:
			return group(fmt.Sprintf("group%d", r.IntN(100)))
		}
		return sa(fmt.Sprintf("ns%d", r.IntN(50)), fmt.Sprintf("sa%d", r.IntN(10)))
	}
	var objs []runtime.Object
	for i := range 2500 {
		objs = append(objs, clusterRole(fmt.Sprintf("cr%d", i), nil, rules()...))
		objs = append(objs, role(fmt.Sprintf("ns%d", i%50), fmt.Sprintf("role%d", i), rules()...))
	}
	for i := range 500 {
		objs = append(objs, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: fmt.Sprintf("ns%d", i%50), Name: fmt.Sprintf("sa%d", i/50)}})
	}
	for i := range 1000 {
		objs = append(objs, crb(fmt.Sprintf("crb%d", i), fmt.Sprintf("cr%d", r.IntN(2500)), subject(), subject()))
	}
	for i := range 4000 {
		ns := i % 50
		if r.IntN(2) == 0 {
			objs = append(objs, rb(fmt.Sprintf("ns%d", ns), fmt.Sprintf("rb%d", i), "ClusterRole", fmt.Sprintf("cr%d", r.IntN(2500)), subject(), subject()))
		} else {
			objs = append(objs, rb(fmt.Sprintf("ns%d", ns), fmt.Sprintf("rb%d", i), "Role", fmt.Sprintf("role%d", ns+50*r.IntN(50)), subject(), subject()))
		}
	}
	return objs
}

func BenchmarkBuild(b *testing.B) {
	objs := benchObjects()
	for b.Loop() {
		build(objs...)
	}
}

func BenchmarkWhoCan(b *testing.B) {
	m := build(benchObjects()...)
	reqs := []Request{
		{Verb: "get", Resource: "secrets", Namespace: "ns7", Name: "x"},
		{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "ns3"},
		{Verb: "list", Group: "apps", Resource: "deployments"},
		{Verb: "delete", Resource: "configmaps", Namespace: "ns49"},
	}
	n := 0
	for b.Loop() {
		for _, req := range reqs {
			n += len(m.WhoCan(req))
		}
	}
	b.ReportMetric(float64(n)/float64(b.N*len(reqs)), "subjects/question")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(reqs))/1e6, "ms/question")
}
