package checks

import (
	"context"
	"strconv"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

// rbacBenchInventory holds n Roles, n ClusterRoles (a tenth of them
// aggregated or labelled for aggregation) and a binding for each.
func rbacBenchInventory(n int) *inventory.Inventory {
	inv := inventory.New()
	rules := []rbacv1.PolicyRule{
		rule([]string{"get", "list", "watch"}, []string{"", "apps"}, []string{"pods", "deployments", "secrets"}),
		rule([]string{"create", "update"}, []string{"apps"}, []string{"deployments", "deployments/scale"}),
		rule([]string{"*"}, []string{"batch"}, []string{"jobs"}),
	}
	for i := 0; i < n; i++ {
		s := strconv.Itoa(i)
		ns := "ns-" + strconv.Itoa(i%50)
		inv.Add(roleObj(ns, "role-"+s, rules...))
		labels := map[string]string{}
		if i%10 == 0 {
			labels["rbac.authorization.k8s.io/aggregate-to-edit"] = "true"
			labels["example.com/aggregate-to-ops"] = "true"
		}
		inv.Add(clusterRoleObj("cr-"+s, labels, rules...))
		inv.Add(roleBindingObj(ns, "rb-"+s, "Role", "role-"+s, saSubject("", "sa-"+s)))
		inv.Add(clusterRoleBindingObj("crb-"+s, "ClusterRole", "cr-"+s, userSubject("user-"+s)))
	}
	for i := 0; i < 10; i++ {
		o := aggregatedClusterRoleObj("ops-"+strconv.Itoa(i), map[string]string{"example.com/aggregate-to-ops": "true"})
		o.Typed.(*rbacv1.ClusterRole).AggregationRule.ClusterRoleSelectors = append(o.Typed.(*rbacv1.ClusterRole).AggregationRule.ClusterRoleSelectors,
			metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}}}})
		inv.Add(o)
		inv.Add(clusterRoleBindingObj("ops-"+strconv.Itoa(i), "ClusterRole", "ops-"+strconv.Itoa(i), groupSubject("ops")))
	}
	return inv
}

// BenchmarkRBACChecks runs every rbac check over 2,000 Roles and 2,000
// ClusterRoles with their bindings.
func BenchmarkRBACChecks(b *testing.B) {
	inv := rbacBenchInventory(2000)
	var cs []check.Check
	for _, c := range check.Default().All() {
		if id := string(c.Meta().ID); strings.HasPrefix(id, "rbac-") || id == "cluster-admin-binding" {
			cs = append(cs, c)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		for _, c := range cs {
			c.Run(context.Background(), inv, defaultOptions)
		}
	}
}
