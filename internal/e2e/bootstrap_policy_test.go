package e2e

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/golden"
	"github.com/kubestride/kubestride/internal/rbac"
)

// TestBootstrapControllerPolicy: the controller policy kubestride assumes
// for manifests (internal/rbac/controllers.yaml) is the one the real API
// server creates: every role and binding named system:controller:*, with
// the same rules, subjects and role references. -update rewrites it.
func TestBootstrapControllerPolicy(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	var live rbac.ControllerPolicy
	named := func(name string) bool { return strings.HasPrefix(name, rbac.ControllerPrefix) }
	crs, err := cs.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range crs.Items {
		if named(r.Name) {
			live.ClusterRoles = append(live.ClusterRoles, r)
		}
	}
	crbs, err := cs.RbacV1().ClusterRoleBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range crbs.Items {
		if named(b.Name) {
			live.ClusterRoleBindings = append(live.ClusterRoleBindings, b)
		}
	}
	roles, err := cs.RbacV1().Roles("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles.Items {
		if named(r.Name) {
			live.Roles = append(live.Roles, r)
		}
	}
	rbs, err := cs.RbacV1().RoleBindings("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range rbs.Items {
		if named(b.Name) {
			live.RoleBindings = append(live.RoleBindings, b)
		}
	}
	if len(live.ClusterRoleBindings) == 0 {
		t.Fatal("the API server holds no system:controller: ClusterRoleBindings")
	}
	got, err := rbac.EncodeControllerPolicy(&live)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "../rbac/controllers.yaml", got)
	if !*golden.Update {
		embedded, err := rbac.EncodeControllerPolicy(rbac.BootstrapControllerPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if string(embedded) != string(got) {
			t.Error("the embedded controller policy, decoded and encoded again, differs from the API server's")
		}
	}
	t.Logf("%d ClusterRoles, %d ClusterRoleBindings, %d Roles, %d RoleBindings", len(live.ClusterRoles), len(live.ClusterRoleBindings), len(live.Roles), len(live.RoleBindings))
}
