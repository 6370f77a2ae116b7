package rbac

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

func build(objs ...runtime.Object) *Model {
	inv := inventory.New()
	for _, o := range objs {
		var meta *metav1.ObjectMeta
		switch v := o.(type) {
		case *rbacv1.Role:
			meta = &v.ObjectMeta
		case *rbacv1.ClusterRole:
			meta = &v.ObjectMeta
		case *rbacv1.RoleBinding:
			meta = &v.ObjectMeta
		case *rbacv1.ClusterRoleBinding:
			meta = &v.ObjectMeta
		case *corev1.ServiceAccount:
			meta = &v.ObjectMeta
		}
		inv.Add(object.New(o, meta))
	}
	return Build(inv)
}

func pr(verbs, groups, resources []string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names}
}

func l(s ...string) []string { return s }

func clusterRole(name string, labels map[string]string, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Rules: rules}
}

func aggregated(name string, labels map[string]string, selectors ...map[string]string) *rbacv1.ClusterRole {
	r := clusterRole(name, labels)
	r.AggregationRule = &rbacv1.AggregationRule{}
	for _, s := range selectors {
		r.AggregationRule.ClusterRoleSelectors = append(r.AggregationRule.ClusterRoleSelectors, metav1.LabelSelector{MatchLabels: s})
	}
	return r
}

func role(ns, name string, rules ...rbacv1.PolicyRule) *rbacv1.Role {
	return &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Rules: rules}
}

func crb(name, roleName string, subjects ...rbacv1.Subject) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: subjects,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: roleName}}
}

func rb(ns, name, kind, roleName string, subjects ...rbacv1.Subject) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Subjects: subjects,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: roleName}}
}

func user(n string) rbacv1.Subject {
	return rbacv1.Subject{Kind: "User", APIGroup: rbacv1.GroupName, Name: n}
}
func group(n string) rbacv1.Subject {
	return rbacv1.Subject{Kind: "Group", APIGroup: rbacv1.GroupName, Name: n}
}
func sa(ns, n string) rbacv1.Subject {
	return rbacv1.Subject{Kind: "ServiceAccount", Namespace: ns, Name: n}
}

func TestAllowed(t *testing.T) {
	m := build(
		clusterRole("pod-reader", nil, pr(l("get", "list"), l(""), l("pods"))),
		clusterRole("secret-a", nil, pr(l("get"), l(""), l("secrets"), "a")),
		clusterRole("healthz", nil, rbacv1.PolicyRule{Verbs: l("get"), NonResourceURLs: l("/healthz/*")}),
		role("ns1", "deployer", pr(l("create"), l("apps"), l("deployments"))),
		role("ns2", "deployer", pr(l("*"), l("*"), l("*"))),
		crb("alice-pods", "pod-reader", user("alice")),
		crb("authenticated-healthz", "healthz", group("system:authenticated")),
		crb("sa-without-namespace", "pod-reader", rbacv1.Subject{Kind: "ServiceAccount", Name: "nobody"}),
		rb("ns1", "bob-deploys", "Role", "deployer", user("bob")),
		rb("ns1", "bob-secret", "ClusterRole", "secret-a", user("bob")),
		rb("ns1", "local-sa", "Role", "deployer", rbacv1.Subject{Kind: "ServiceAccount", Name: "builder"}),
		rb("ns1", "all-sas-of-ns2", "ClusterRole", "pod-reader", group("system:serviceaccounts:ns2")),
		rb("ns1", "missing-role", "Role", "absent", user("carol")),
		rb("ns1", "other-namespace-role", "Role", "deployer", user("dave")), // ns1's deployer, not ns2's
		rb("ns2", "anonymous", "ClusterRole", "pod-reader", user("system:anonymous")),
		rb("ns2", "sa-by-user-name", "ClusterRole", "secret-a", user("system:serviceaccount:ns2:app")),
	)
	tests := []struct {
		name    string
		subject Subject
		req     Request
		want    bool
	}{
		{"cluster role binding in a namespace", User("alice"), Request{Verb: "list", Resource: "pods", Namespace: "ns9"}, true},
		{"cluster role binding across namespaces", User("alice"), Request{Verb: "list", Resource: "pods"}, true},
		{"other user", User("alicia"), Request{Verb: "list", Resource: "pods"}, false},
		{"role binding in its namespace", User("bob"), Request{Verb: "create", Group: "apps", Resource: "deployments", Namespace: "ns1"}, true},
		{"role binding not in another namespace", User("bob"), Request{Verb: "create", Group: "apps", Resource: "deployments", Namespace: "ns2"}, false},
		{"role binding not across namespaces", User("bob"), Request{Verb: "create", Group: "apps", Resource: "deployments"}, false},
		{"role binding to a cluster role grants in its namespace", User("bob"), Request{Verb: "get", Resource: "secrets", Namespace: "ns1", Name: "a"}, true},
		{"... only there", User("bob"), Request{Verb: "get", Resource: "secrets", Namespace: "ns2", Name: "a"}, false},
		{"... only for the name", User("bob"), Request{Verb: "get", Resource: "secrets", Namespace: "ns1", Name: "b"}, false},
		{"implicit system:authenticated", User("zed"), Request{Verb: "get", NonResourceURL: "/healthz/ready"}, true},
		{"non-resource ignores the namespace", User("zed"), Request{Verb: "get", NonResourceURL: "/healthz/ready", Namespace: "ns1"}, true},
		{"anonymous is not authenticated", User("system:anonymous"), Request{Verb: "get", NonResourceURL: "/healthz/ready"}, false},
		{"anonymous user binding", User("system:anonymous"), Request{Verb: "get", Resource: "pods", Namespace: "ns2"}, true},
		{"service account is authenticated", ServiceAccount("x", "y"), Request{Verb: "get", NonResourceURL: "/healthz/x"}, true},
		{"group asks alone", Group("devs"), Request{Verb: "get", NonResourceURL: "/healthz/x"}, false},
		{"the group itself", Group("system:authenticated"), Request{Verb: "get", NonResourceURL: "/healthz/x"}, true},
		{"cluster role binding to a service account without namespace grants nothing", ServiceAccount("default", "nobody"), Request{Verb: "get", Resource: "pods"}, false},
		{"role binding service account defaults to its namespace", ServiceAccount("ns1", "builder"), Request{Verb: "create", Group: "apps", Resource: "deployments", Namespace: "ns1"}, true},
		{"... not another namespace's", ServiceAccount("ns2", "builder"), Request{Verb: "create", Group: "apps", Resource: "deployments", Namespace: "ns1"}, false},
		{"namespace service account group", ServiceAccount("ns2", "any"), Request{Verb: "get", Resource: "pods", Namespace: "ns1"}, true},
		{"user binding by service account user name", ServiceAccount("ns2", "app"), Request{Verb: "get", Resource: "secrets", Namespace: "ns2", Name: "a"}, true},
		{"missing role grants nothing", User("carol"), Request{Verb: "get", Resource: "pods", Namespace: "ns1"}, false},
		{"a role binding uses its own namespace's role", User("dave"), Request{Verb: "delete", Resource: "pods", Namespace: "ns1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, grants := m.Allowed(tt.subject, tt.req)
			if got != tt.want || (len(grants) > 0) != got {
				t.Errorf("Allowed(%v, %+v) = %v, %+v; want %v", tt.subject, tt.req, got, grants, tt.want)
			}
		})
	}
}

func TestAggregation(t *testing.T) {
	read := pr(l("get"), l(""), l("pods"))
	write := pr(l("create"), l(""), l("pods"))
	logs := pr(l("get"), l(""), l("pods/log"))
	m := build(
		clusterRole("leaf-read", map[string]string{"to-view": "true"}, read),
		clusterRole("leaf-write", map[string]string{"to-edit": "true"}, write),
		clusterRole("leaf-logs", map[string]string{"to-view": "true", "to-loop": "true"}, logs),
		// view aggregates the readers; edit aggregates view (transitively) and the writers;
		// its own listed rule is replaced as the controller replaces it.
		aggregated("view", map[string]string{"to-edit": "true"}, map[string]string{"to-view": "true"}),
		func() *rbacv1.ClusterRole {
			r := aggregated("edit", nil, map[string]string{"to-edit": "true"})
			r.Rules = []rbacv1.PolicyRule{pr(l("*"), l("*"), l("*"))}
			return r
		}(),
		// loop-a and loop-b select each other (and themselves).
		aggregated("loop-a", map[string]string{"to-loop": "true"}, map[string]string{"to-loop": "true"}),
		aggregated("loop-b", map[string]string{"to-loop": "true"}, map[string]string{"to-loop": "true"}),
		crb("view", "view", user("viewer")),
		crb("edit", "edit", user("editor")),
		crb("loop", "loop-a", user("looper")),
	)
	tests := []struct {
		user string
		req  Request
		want bool
	}{
		{"viewer", Request{Verb: "get", Resource: "pods"}, true},
		{"viewer", Request{Verb: "get", Resource: "pods", Subresource: "log"}, true},
		{"viewer", Request{Verb: "create", Resource: "pods"}, false},
		{"editor", Request{Verb: "get", Resource: "pods", Subresource: "log"}, true},
		{"editor", Request{Verb: "create", Resource: "pods"}, true},
		{"editor", Request{Verb: "delete", Resource: "pods"}, false},
		{"looper", Request{Verb: "get", Resource: "pods", Subresource: "log"}, true},
		{"looper", Request{Verb: "get", Resource: "pods"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.user+" "+tt.req.Verb+" "+tt.req.Resource+"/"+tt.req.Subresource, func(t *testing.T) {
			if got, _ := m.Allowed(User(tt.user), tt.req); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	_, grants := m.Allowed(User("editor"), Request{Verb: "get", Resource: "pods", Subresource: "log"})
	want := []Grant{{
		Binding: Ref{Kind: "ClusterRoleBinding", Name: "edit"}, Role: Ref{Kind: "ClusterRole", Name: "edit"},
		Subject: User("editor"), Rule: logs, AggregatedFrom: "leaf-logs",
	}}
	if diff := cmp.Diff(want, grants); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
}

func TestWhoCan(t *testing.T) {
	pods := pr(l("get", "list"), l(""), l("pods"))
	m := build(
		clusterRole("pod-reader", nil, pods),
		clusterRole("other", nil, pr(l("get"), l(""), l("configmaps"))),
		crb("ops-pods", "pod-reader", group("ops"), user("zoe")),
		crb("zoe-other", "other", user("zoe")),
		rb("ns1", "sas", "ClusterRole", "pod-reader", group("system:serviceaccounts:ns1")),
		rb("ns1", "app", "ClusterRole", "pod-reader", sa("", "app"), user("amy")),
		rb("ns2", "elsewhere", "ClusterRole", "pod-reader", user("ned")),
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "ns1", Name: "default"}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "ns2", Name: "default"}},
	)
	crbRef := Ref{Kind: "ClusterRoleBinding", Name: "ops-pods"}
	role := Ref{Kind: "ClusterRole", Name: "pod-reader"}
	sasRef := Ref{Kind: "RoleBinding", Namespace: "ns1", Name: "sas"}
	appRef := Ref{Kind: "RoleBinding", Namespace: "ns1", Name: "app"}
	want := []SubjectGrants{
		{User("amy"), []Grant{{Binding: appRef, Role: role, Subject: User("amy"), Rule: pods}}},
		{User("zoe"), []Grant{{Binding: crbRef, Role: role, Subject: User("zoe"), Rule: pods}}},
		{Group("ops"), []Grant{{Binding: crbRef, Role: role, Subject: Group("ops"), Rule: pods}}},
		{Group("system:serviceaccounts:ns1"), []Grant{{Binding: sasRef, Role: role, Subject: Group("system:serviceaccounts:ns1"), Rule: pods}}},
		{ServiceAccount("ns1", "app"), []Grant{
			{Binding: appRef, Role: role, Subject: ServiceAccount("ns1", "app"), Rule: pods},
			{Binding: sasRef, Role: role, Subject: Group("system:serviceaccounts:ns1"), Rule: pods},
		}},
		{ServiceAccount("ns1", "default"), []Grant{{Binding: sasRef, Role: role, Subject: Group("system:serviceaccounts:ns1"), Rule: pods}}},
	}
	got := m.WhoCan(Request{Verb: "list", Resource: "pods", Namespace: "ns1"})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WhoCan (-want +got):\n%s", diff)
	}
	if got := m.WhoCan(Request{Verb: "delete", Resource: "pods", Namespace: "ns1"}); got != nil {
		t.Errorf("WhoCan(delete) = %+v, want nobody", got)
	}
}

func TestCan(t *testing.T) {
	m := build(
		clusterRole("reader", nil,
			pr(l("list", "get"), l("", "apps"), l("pods", "deployments")),
			rbacv1.PolicyRule{Verbs: l("get"), NonResourceURLs: l("/metrics")}),
		clusterRole("secret-a", nil, pr(l("get"), l(""), l("secrets"), "b", "a"), pr(l("update"), l(""), l("secrets"), "a", "b")),
		crb("reader", "reader", group("system:authenticated")),
		rb("ns1", "secret", "ClusterRole", "secret-a", user("amy")),
		rb("ns1", "not-amy", "ClusterRole", "reader", user("bob")),
	)
	want := Matrix{Subject: User("amy"), Scopes: []Scope{
		{Namespace: "", Rows: []Row{
			{Group: "", Resource: "deployments", Verbs: l("get", "list")},
			{Group: "", Resource: "pods", Verbs: l("get", "list")},
			{Group: "apps", Resource: "deployments", Verbs: l("get", "list")},
			{Group: "apps", Resource: "pods", Verbs: l("get", "list")},
			{NonResourceURL: "/metrics", Verbs: l("get")},
		}},
		{Namespace: "ns1", Rows: []Row{
			{Group: "", Resource: "secrets", ResourceNames: l("a", "b"), Verbs: l("get", "update")},
		}},
	}}
	if diff := cmp.Diff(want, m.Can(User("amy"))); diff != "" {
		t.Errorf("Can (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Matrix{Subject: Group("nobody"), Scopes: []Scope{}}, m.Can(Group("nobody"))); diff != "" {
		t.Errorf("Can(nobody) (-want +got):\n%s", diff)
	}
}

// TestBootstrapClusterAdmin: a binding to cluster-admin grants everything
// even when the scanned set does not define the role, and a cluster-admin
// the set does define is taken as written.
func TestBootstrapClusterAdmin(t *testing.T) {
	m := build(crb("ci-admin", "cluster-admin", sa("ci", "deployer")))
	for _, req := range []Request{
		{Verb: "get", Resource: "secrets", Namespace: "payments"},
		{Verb: "escalate", Group: "rbac.authorization.k8s.io", Resource: "clusterroles"},
		{Verb: "get", NonResourceURL: "/metrics"},
	} {
		if ok, grants := m.Allowed(ServiceAccount("ci", "deployer"), req); !ok || len(grants) == 0 {
			t.Errorf("Allowed(%+v) = %v, %v; want allowed through cluster-admin", req, ok, grants)
		}
	}
	narrowed := build(
		clusterRole("cluster-admin", nil, pr(l("get"), l(""), l("pods"))),
		crb("ci-admin", "cluster-admin", sa("ci", "deployer")),
	)
	if ok, _ := narrowed.Allowed(ServiceAccount("ci", "deployer"), Request{Verb: "get", Resource: "secrets", Namespace: "x"}); ok {
		t.Error("a cluster-admin defined in the scanned set must be taken as written")
	}
}

// TestSystemMasters: the API server allows the system:masters group
// everything without asking RBAC, and the model says so.
func TestSystemMasters(t *testing.T) {
	m := build(crb("break-glass", "view", group("system:masters")))
	req := Request{Verb: "delete", Resource: "nodes"}
	if ok, grants := m.Allowed(Group("system:masters"), req); !ok || len(grants) != 1 || grants[0].Role.Name != "system:masters" {
		t.Errorf("Allowed(system:masters) = %v, %+v; want allowed as the privileged group", ok, grants)
	}
	var found bool
	for _, sg := range m.WhoCan(req) {
		if sg.Subject == Group("system:masters") {
			found = true
		}
	}
	if !found {
		t.Error("WhoCan does not list system:masters, which the bindings name")
	}
	if ok, _ := m.Allowed(Group("ops"), req); ok {
		t.Error("another group is allowed without a grant")
	}
}

// TestAggregationCycles: in an aggregation cycle every role gets the union of
// the rules written in the cycle's roles and of what they select, the most
// any order of the aggregation controller's syncs can leave any of them with.
// A role that selects a cycle gets that union too; an aggregated role
// outside a cycle still has its own written rules replaced.
func TestAggregationCycles(t *testing.T) {
	pods := pr(l("get"), l(""), l("pods"))
	secrets := pr(l("get"), l(""), l("secrets"))
	nodes := pr(l("get"), l(""), l("nodes"))
	logs := pr(l("get"), l(""), l("pods/log"))
	written := func(r *rbacv1.ClusterRole, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
		r.Rules = rules
		return r
	}
	lbl := func(kv ...string) map[string]string {
		m := map[string]string{}
		for _, k := range kv {
			m[k] = "true"
		}
		return m
	}
	tests := []struct {
		name  string
		roles []runtime.Object
		// want maps a ClusterRole to the resources of the rules it grants.
		want map[string][]string
	}{
		{
			name: "two roles select each other",
			roles: []runtime.Object{
				written(aggregated("a", lbl("to-b"), lbl("to-a")), pods),
				written(aggregated("b", lbl("to-a"), lbl("to-b")), secrets),
			},
			want: map[string][]string{"a": {"pods", "secrets"}, "b": {"pods", "secrets"}},
		},
		{
			name: "three roles in a ring",
			roles: []runtime.Object{
				written(aggregated("a", lbl("to-c"), lbl("to-a")), pods),
				written(aggregated("b", lbl("to-a"), lbl("to-b")), secrets),
				written(aggregated("c", lbl("to-b"), lbl("to-c")), nodes),
			},
			want: map[string][]string{"a": {"pods", "secrets", "nodes"}, "b": {"pods", "secrets", "nodes"}, "c": {"pods", "secrets", "nodes"}},
		},
		{
			// The controller leaves a role out of its own aggregation: a
			// role that selects only itself grants nothing, whatever it
			// lists, and one that also selects a leaf grants the leaf's.
			name: "a role selects itself",
			roles: []runtime.Object{
				written(aggregated("self", lbl("to-self"), lbl("to-self")), secrets),
				written(aggregated("self-and-leaf", lbl("to-mix"), lbl("to-mix")), secrets),
				clusterRole("leaf", lbl("to-mix"), pods),
			},
			want: map[string][]string{"self": nil, "self-and-leaf": {"pods"}, "leaf": {"pods"}},
		},
		{
			name: "a cycle with a leaf, a role above it and an aggregated role below it",
			roles: []runtime.Object{
				written(aggregated("a", lbl("to-b", "to-top"), lbl("to-a")), pods),
				written(aggregated("b", lbl("to-a"), lbl("to-b")), secrets),
				clusterRole("leaf", lbl("to-a"), logs),
				// below is selected by a but is in no cycle: its
				// written rule is replaced by what it selects (nothing).
				written(aggregated("below", lbl("to-b"), lbl("to-below")), nodes),
				// top selects a, and so may hold all a may hold.
				written(aggregated("top", nil, lbl("to-top")), nodes),
			},
			want: map[string][]string{
				"a":     {"pods", "secrets", "pods/log"},
				"b":     {"pods", "secrets", "pods/log"},
				"below": nil,
				"top":   {"pods", "secrets", "pods/log"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := build(tc.roles...)
			for name, want := range tc.want {
				rules, ok := m.Rules(Ref{Kind: "ClusterRole", Name: name})
				if !ok {
					t.Fatalf("no ClusterRole %s", name)
				}
				var got []string
				for _, r := range rules {
					got = append(got, r.Rule.Resources...)
				}
				slices.Sort(got)
				want = slices.Sorted(slices.Values(want))
				if !slices.Equal(got, want) {
					t.Errorf("%s grants %v, want %v", name, got, want)
				}
			}
		})
	}
}

// TestAggregationCycleAnswers: a subject bound to a role of a cycle is
// allowed what the cycle may grant, and the grant names the role that writes
// the rule.
func TestAggregationCycleAnswers(t *testing.T) {
	pods := pr(l("get"), l(""), l("pods"))
	secrets := pr(l("get"), l(""), l("secrets"))
	a := aggregated("a", map[string]string{"to-b": "true"}, map[string]string{"to-a": "true"})
	a.Rules = []rbacv1.PolicyRule{pods}
	b := aggregated("b", map[string]string{"to-a": "true"}, map[string]string{"to-b": "true"})
	b.Rules = []rbacv1.PolicyRule{secrets}
	m := build(a, b, crb("a", "a", user("alice")))
	for _, req := range []Request{{Verb: "get", Resource: "pods"}, {Verb: "get", Resource: "secrets"}} {
		if ok, _ := m.Allowed(User("alice"), req); !ok {
			t.Errorf("alice may not %s %s through the cycle", req.Verb, req.Resource)
		}
	}
	_, grants := m.Allowed(User("alice"), Request{Verb: "get", Resource: "secrets"})
	if len(grants) != 1 || grants[0].AggregatedFrom != "b" {
		t.Errorf("grants = %+v, want one aggregated from b", grants)
	}
	_, grants = m.Allowed(User("alice"), Request{Verb: "get", Resource: "pods"})
	if len(grants) != 1 || grants[0].AggregatedFrom != "" {
		t.Errorf("grants = %+v, want one of a's own rules", grants)
	}
	if mx := m.Can(User("alice")); len(mx.Scopes) == 0 {
		t.Error("alice is allowed nothing")
	}
	holders := m.Holders(Ref{Kind: "ClusterRole", Name: "b"})
	if len(holders) != 1 || holders[0].Through != "a" {
		t.Errorf("holders of b = %+v, want the binding of a", holders)
	}
}
