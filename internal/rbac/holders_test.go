package rbac

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestRulesAggregation(t *testing.T) {
	m := build(
		aggregated("a", map[string]string{"to": "e"}, map[string]string{"to": "a"}),
		aggregated("b", map[string]string{"to": "a"}, map[string]string{"to": "b"}),
		clusterRole("c", map[string]string{"to": "b"}, pr(l("get"), l(""), l("pods")), pr(l("list"), l(""), l("pods"))),
		clusterRole("d", map[string]string{"to": "a"}, pr(l("watch"), l(""), l("pods")), pr(l("get"), l(""), l("pods"))),
		// a selects e, which selects a: a cycle. The rules e writes itself
		// are the controller's to overwrite, so they count nowhere.
		aggregated("e", map[string]string{"to": "a"}, map[string]string{"to": "e"}),
		// An aggregated role that selects nothing grants nothing: the
		// controller overwrites its rules with an empty list.
		aggregated("f", nil, map[string]string{"to": "nothing"}),
		// The second selector pulls in g.
		aggregated("h", nil, map[string]string{"to": "nothing"}, map[string]string{"to": "b"}),
		role("dev", "r", pr(l("delete"), l(""), l("pods"))),
	)
	type got struct {
		Verb, From string
		Index, Sel int
	}
	rulesOf := func(ref Ref) ([]got, bool) {
		rrs, ok := m.Rules(ref)
		var out []got
		for _, r := range rrs {
			out = append(out, got{r.Rule.Verbs[0], r.From, r.Index, r.Selector})
		}
		return out, ok
	}
	tests := []struct {
		role Ref
		want []got
		ok   bool
	}{
		// d's second rule equals c's first: each distinct rule once.
		{Ref{Kind: "ClusterRole", Name: "a"}, []got{{"get", "c", 0, 0}, {"list", "c", 1, 0}, {"watch", "d", 0, 0}}, true},
		{Ref{Kind: "ClusterRole", Name: "b"}, []got{{"get", "c", 0, 0}, {"list", "c", 1, 0}}, true},
		{Ref{Kind: "ClusterRole", Name: "e"}, []got{{"get", "c", 0, 0}, {"list", "c", 1, 0}, {"watch", "d", 0, 0}}, true},
		{Ref{Kind: "ClusterRole", Name: "f"}, nil, true},
		{Ref{Kind: "ClusterRole", Name: "h"}, []got{{"get", "c", 0, 1}, {"list", "c", 1, 1}}, true},
		{Ref{Kind: "ClusterRole", Name: "d"}, []got{{"watch", "", 0, -1}, {"get", "", 1, -1}}, true},
		{Ref{Kind: "Role", Namespace: "dev", Name: "r"}, []got{{"delete", "", 0, -1}}, true},
		{Ref{Kind: "Role", Namespace: "prod", Name: "r"}, nil, false},
		{Ref{Kind: "ClusterRole", Name: "missing"}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.role.String(), func(t *testing.T) {
			got, ok := rulesOf(tc.role)
			if ok != tc.ok {
				t.Errorf("found = %v, want %v", ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHolders(t *testing.T) {
	m := build(
		role("dev", "reader"),
		clusterRole("ops", nil),
		clusterRole("extra", map[string]string{"agg": "mon"}),
		clusterRole("editor-extra", map[string]string{"rbac.authorization.k8s.io/aggregate-to-edit": "true"}),
		clusterRole("viewer-extra", map[string]string{"rbac.authorization.k8s.io/aggregate-to-view": "true"}, pr(l("get"), l(""), l("pods"))),
		aggregated("monitoring", nil, map[string]string{"agg": "mon"}),
		rb("dev", "read", "Role", "reader", user("alice")),
		rb("prod", "read", "Role", "reader", user("mallory")), // a Role of another namespace
		rb("dev", "empty", "Role", "reader"),                  // no subjects
		rb("dev", "ops", "ClusterRole", "ops", sa("", "ci")),
		crb("ops", "ops", sa("kube-system", "ci"), group("devs"), sa("", "nobody")),
		crb("nobody", "ops", sa("", "nobody")), // names nobody
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "bad"}, Subjects: []rbacv1.Subject{user("bob")},
			RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "reader"}}, // cannot reference a Role
		crb("mon", "monitoring", user("carol")),
		rb("dev", "edit", "ClusterRole", "edit", group("devs")),
		crb("admins", "admin", group("admins")),
	)
	devs, admins := Group("devs"), Group("admins")
	tests := []struct {
		role Ref
		want []Holding
	}{
		{Ref{Kind: "Role", Namespace: "dev", Name: "reader"}, []Holding{
			{Binding: Ref{Kind: "RoleBinding", Namespace: "dev", Name: "read"}, Subjects: []Subject{User("alice")}},
		}},
		{Ref{Kind: "Role", Namespace: "other", Name: "reader"}, nil},
		{Ref{Kind: "ClusterRole", Name: "ops"}, []Holding{
			{Binding: Ref{Kind: "ClusterRoleBinding", Name: "ops"}, Subjects: []Subject{ServiceAccount("kube-system", "ci"), devs}},
			{Binding: Ref{Kind: "RoleBinding", Namespace: "dev", Name: "ops"}, Subjects: []Subject{ServiceAccount("dev", "ci")}},
		}},
		{Ref{Kind: "ClusterRole", Name: "extra"}, []Holding{
			{Binding: Ref{Kind: "ClusterRoleBinding", Name: "mon"}, Subjects: []Subject{User("carol")}, Through: "monitoring"},
		}},
		// The bootstrap edit role, assumed, aggregates the roles labelled
		// for it, and admin aggregates edit.
		{Ref{Kind: "ClusterRole", Name: "editor-extra"}, []Holding{
			{Binding: Ref{Kind: "ClusterRoleBinding", Name: "admins"}, Subjects: []Subject{admins}, Through: "admin"},
			{Binding: Ref{Kind: "RoleBinding", Namespace: "dev", Name: "edit"}, Subjects: []Subject{devs}, Through: "edit"},
		}},
		{Ref{Kind: "ClusterRole", Name: "viewer-extra"}, []Holding{
			{Binding: Ref{Kind: "ClusterRoleBinding", Name: "admins"}, Subjects: []Subject{admins}, Through: "admin"},
			{Binding: Ref{Kind: "RoleBinding", Namespace: "dev", Name: "edit"}, Subjects: []Subject{devs}, Through: "edit"},
		}},
		{Ref{Kind: "ClusterRole", Name: "nobody"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.role.String(), func(t *testing.T) {
			if diff := cmp.Diff(tc.want, m.Holders(tc.role), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("holders (-want +got):\n%s", diff)
			}
		})
	}
	// The assumed edit role grants what view aggregates, and view what is
	// labelled for it.
	get := Request{Verb: "get", Resource: "pods", Namespace: "dev"}
	if ok, _ := m.Allowed(devs, get); !ok {
		t.Errorf("group devs, bound to edit in dev: get pods denied, want allowed through view")
	}
	if ok, _ := m.Allowed(devs, Request{Verb: "get", Resource: "pods", Namespace: "prod"}); ok {
		t.Errorf("group devs: get pods in prod allowed, want denied")
	}
}
