package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/rbac"
)

func TestRuleAllows(t *testing.T) {
	pods := rbacResource{"", "pods", ""}
	exec := rbacResource{"", "pods", "exec"}
	deploymentsScale := rbacResource{"apps", "deployments", "scale"}
	secrets := rbacResource{"", "secrets", ""}
	tests := []struct {
		name string
		rule rbacv1.PolicyRule
		verb string
		res  rbacResource
		obj  string
		want bool
	}{
		{"exact verb, group, resource", rule([]string{"get"}, []string{""}, []string{"pods"}), "get", pods, "", true},
		{"other verb", rule([]string{"get"}, []string{""}, []string{"pods"}), "list", pods, "", false},
		{"verb case matters", rule([]string{"Get"}, []string{""}, []string{"pods"}), "get", pods, "", false},
		{"verb star", rule([]string{"*"}, []string{""}, []string{"pods"}), "delete", pods, "", true},
		{"star verb matches custom verbs", rule([]string{"*"}, []string{"rbac.authorization.k8s.io"}, []string{"roles"}), "escalate", rbacResource{"rbac.authorization.k8s.io", "roles", ""}, "", true},
		{"no verbs", rule(nil, []string{""}, []string{"pods"}), "get", pods, "", false},
		{"other group", rule([]string{"get"}, []string{"apps"}, []string{"pods"}), "get", pods, "", false},
		{"group star", rule([]string{"get"}, []string{"*"}, []string{"pods"}), "get", pods, "", true},
		{"no apiGroups matches nothing", rule([]string{"get"}, nil, []string{"pods"}), "get", pods, "", false},
		{"core group is the empty string", rule([]string{"get"}, []string{"core"}, []string{"pods"}), "get", pods, "", false},
		{"group listed among others", rule([]string{"get"}, []string{"apps", ""}, []string{"pods"}), "get", pods, "", true},
		{"other resource", rule([]string{"get"}, []string{""}, []string{"services"}), "get", pods, "", false},
		{"resource star", rule([]string{"get"}, []string{""}, []string{"*"}), "get", pods, "", true},
		{"resource star covers subresources", rule([]string{"create"}, []string{""}, []string{"*"}), "create", exec, "web", true},
		{"resource does not cover its subresources", rule([]string{"create"}, []string{""}, []string{"pods"}), "create", exec, "web", false},
		{"exact subresource", rule([]string{"create"}, []string{""}, []string{"pods/exec"}), "create", exec, "web", true},
		{"subresource does not cover the resource", rule([]string{"get"}, []string{""}, []string{"pods/exec"}), "get", pods, "web", false},
		{"other subresource", rule([]string{"create"}, []string{""}, []string{"pods/attach"}), "create", exec, "web", false},
		{"star slash subresource", rule([]string{"create"}, []string{""}, []string{"*/exec"}), "create", exec, "web", true},
		{"star slash subresource across groups", rule([]string{"update"}, []string{"*"}, []string{"*/scale"}), "update", deploymentsScale, "web", true},
		{"star slash subresource is not the resource", rule([]string{"get"}, []string{""}, []string{"*/exec"}), "get", pods, "web", false},
		{"star slash other subresource", rule([]string{"update"}, []string{"apps"}, []string{"*/status"}), "update", deploymentsScale, "web", false},
		{"star slash subresource suffix must be whole", rule([]string{"update"}, []string{"apps"}, []string{"*/cale"}), "update", deploymentsScale, "web", false},
		{"resource slash star is literal", rule([]string{"create"}, []string{""}, []string{"pods/*"}), "create", exec, "web", false},
		{"resource slash star is not the resource", rule([]string{"get"}, []string{""}, []string{"pods/*"}), "get", pods, "web", false},
		{"longer resource with the same prefix", rule([]string{"create"}, []string{""}, []string{"podsx/exec"}), "create", exec, "web", false},
		{"resource prefix without slash", rule([]string{"create"}, []string{""}, []string{"pods-exec"}), "create", exec, "web", false},
		{"resourceNames allow the named object", ruleNamed([]string{"get"}, []string{""}, []string{"secrets"}, "db"), "get", secrets, "db", true},
		{"resourceNames deny other objects", ruleNamed([]string{"get"}, []string{""}, []string{"secrets"}, "db"), "get", secrets, "api", false},
		{"resourceNames deny requests without a name", ruleNamed([]string{"list"}, []string{""}, []string{"secrets"}, "db"), "list", secrets, "", false},
		{"resourceNames star is literal", ruleNamed([]string{"get"}, []string{""}, []string{"secrets"}, "*"), "get", secrets, "db", false},
		{"resourceNames do not widen", ruleNamed([]string{"get"}, []string{""}, []string{"configmaps"}, "db"), "get", secrets, "db", false},
		{"no resourceNames allow requests without a name", rule([]string{"create"}, []string{""}, []string{"pods"}), "create", pods, "", true},
		{"nonResourceURLs do not grant resources", rbacv1.PolicyRule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}, "get", pods, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ruleAllows(&tc.rule, tc.verb, tc.res, tc.obj); got != tc.want {
				t.Errorf("ruleAllows(%+v, %q, %v, %q) = %v, want %v", tc.rule, tc.verb, tc.res, tc.obj, got, tc.want)
			}
		})
	}
}

func TestRuleReach(t *testing.T) {
	pods := rbacResource{"", "pods", ""}
	exec := rbacResource{"", "pods", "exec"}
	tests := []struct {
		name string
		rule rbacv1.PolicyRule
		verb string
		res  rbacResource
		want rbacReach
	}{
		{"no match", rule([]string{"get"}, []string{""}, []string{"pods"}), "delete", pods, reachNone},
		{"every object", rule([]string{"get"}, []string{""}, []string{"pods"}), "get", pods, reachAll},
		{"named objects", ruleNamed([]string{"get"}, []string{""}, []string{"pods"}, "web"), "get", pods, reachNamed},
		{"list with names selects by name", ruleNamed([]string{"list"}, []string{""}, []string{"pods"}, "web"), "list", pods, reachNamed},
		{"create on a collection never has a name", ruleNamed([]string{"create"}, []string{""}, []string{"pods"}, "web"), "create", pods, reachNone},
		{"deletecollection never has a name", ruleNamed([]string{"deletecollection"}, []string{""}, []string{"pods"}, "web"), "deletecollection", pods, reachNone},
		{"create on a subresource names the object", ruleNamed([]string{"create"}, []string{""}, []string{"pods/exec"}, "web"), "create", exec, reachNamed},
		{"an empty resource name matches nameless requests", ruleNamed([]string{"create"}, []string{""}, []string{"pods"}, ""), "create", pods, reachAll},
		{"wildcards without names", rule([]string{"*"}, []string{"*"}, []string{"*"}), "create", exec, reachAll},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ruleReach(&tc.rule, tc.verb, tc.res); got != tc.want {
				t.Errorf("ruleReach(%+v, %q, %v) = %v, want %v", tc.rule, tc.verb, tc.res, got, tc.want)
			}
		})
	}
}

func TestGrantMatch(t *testing.T) {
	g := rbacGrant{
		verbs:   []string{"get", "list", "create"},
		targets: []rbacResource{{"", "pods", ""}, {"apps", "deployments", ""}},
	}
	tests := []struct {
		name        string
		rule        rbacv1.PolicyRule
		wantVerbs   []string
		wantTargets []string
		wantNamed   bool
	}{
		{"nothing", rule([]string{"delete"}, []string{"*"}, []string{"*"}), nil, nil, false},
		{"one of each", rule([]string{"list"}, []string{""}, []string{"pods"}), []string{"list"}, []string{"pods"}, false},
		{"verbs in grant order", rule([]string{"create", "get"}, []string{"", "apps"}, []string{"deployments", "pods"}), []string{"get", "create"}, []string{"pods", "deployments"}, false},
		{"wildcard", rule([]string{"*"}, []string{"*"}, []string{"*"}), []string{"get", "list", "create"}, []string{"pods", "deployments"}, false},
		{"named drops create", ruleNamed([]string{"get", "create"}, []string{""}, []string{"pods"}, "web"), []string{"get"}, []string{"pods"}, true},
		{"named create alone is nothing", ruleNamed([]string{"create"}, []string{""}, []string{"pods"}, "web"), nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			verbs, targets, named := g.match(&tc.rule)
			var names []string
			for _, r := range targets {
				names = append(names, r.String())
			}
			if diff := cmp.Diff(tc.wantVerbs, verbs); diff != "" {
				t.Errorf("verbs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantTargets, names); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
			if named != tc.wantNamed {
				t.Errorf("named = %v, want %v", named, tc.wantNamed)
			}
		})
	}
}

func TestRBACHolders(t *testing.T) {
	inv := inventory.New()
	for _, o := range []*object.Object{
		roleObj("dev", "reader"),
		clusterRoleObj("ops", nil),
		clusterRoleObj("extra", map[string]string{"agg": "mon"}),
		clusterRoleObj("editor-extra", map[string]string{"rbac.authorization.k8s.io/aggregate-to-edit": "true"}),
		aggregatedClusterRoleObj("monitoring", map[string]string{"agg": "mon"}),
		roleBindingObj("dev", "read", "Role", "reader", userSubject("alice")),
		roleBindingObj("prod", "read", "Role", "reader", userSubject("mallory")), // a Role of another namespace
		roleBindingObj("dev", "empty", "Role", "reader"),                         // no subjects
		roleBindingObj("dev", "ops", "ClusterRole", "ops", saSubject("", "ci")),
		clusterRoleBindingObj("ops", "ClusterRole", "ops", saSubject("kube-system", "ci"), groupSubject("devs")),
		clusterRoleBindingObj("bad", "Role", "reader", userSubject("bob")), // cannot reference a Role
		clusterRoleBindingObj("mon", "ClusterRole", "monitoring", userSubject("carol")),
		roleBindingObj("dev", "edit", "ClusterRole", "edit", groupSubject("devs")),
	} {
		inv.Add(o)
	}
	m := rbac.Build(inv)
	users := saUsers{rbac.ServiceAccount("dev", "ci"): {"Deployment dev/runner", "CronJob dev/nightly"}}
	tests := []struct {
		kind, ns, name string
		want           string
	}{
		{"Role", "dev", "reader", `bound to User "alice" via RoleBinding dev/read`},
		{"Role", "other", "reader", `not bound in the scanned manifests`},
		{"ClusterRole", "", "ops", `bound to ServiceAccount kube-system/ci, Group "devs" via ClusterRoleBinding "ops", ` +
			`ServiceAccount dev/ci (used by Deployment dev/runner and 1 more workload) via RoleBinding dev/ops`},
		{"ClusterRole", "", "extra", `bound to User "carol" via ClusterRoleBinding "mon" through ClusterRole "monitoring"`},
		{"ClusterRole", "", "editor-extra", `bound to Group "devs" via RoleBinding dev/edit through ClusterRole "edit"`},
		{"ClusterRole", "", "nobody", `not bound in the scanned manifests`},
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/"+tc.name, func(t *testing.T) {
			got := describeHolders(m.Holders(rbac.Ref{Kind: tc.kind, Namespace: tc.ns, Name: tc.name}), users)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("holders (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDescribeHoldersLimits(t *testing.T) {
	var hs []rbac.Holding
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		h := rbac.Holding{Binding: rbac.Ref{Kind: "ClusterRoleBinding", Name: name}}
		for _, u := range []string{"u1", "u2", "u3", "u4"} {
			h.Subjects = append(h.Subjects, rbac.User(u))
		}
		hs = append(hs, h)
	}
	want := `bound to User "u1", User "u2", User "u3" and 1 more subject via ClusterRoleBinding "a", ` +
		`User "u1", User "u2", User "u3" and 1 more subject via ClusterRoleBinding "b", ` +
		`User "u1", User "u2", User "u3" and 1 more subject via ClusterRoleBinding "c", and 2 more bindings`
	if diff := cmp.Diff(want, describeHolders(hs, nil)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestServiceAccountUsers(t *testing.T) {
	off, on := false, true
	deploy := func(ns, name, sa string, mount *bool) *object.Object {
		v := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
		v.Spec.Template.Spec.ServiceAccountName = sa
		v.Spec.Template.Spec.AutomountServiceAccountToken = mount
		return &object.Object{APIVersion: "apps/v1", Kind: "Deployment", Typed: v, Meta: &v.ObjectMeta}
	}
	quiet := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "dev", Name: "quiet"}, AutomountServiceAccountToken: &off}
	inv := inventory.New()
	for _, o := range []*object.Object{
		deploy("dev", "web", "", nil),        // the default ServiceAccount
		deploy("dev", "api", "ci", nil),      // mounts ci's token
		deploy("dev", "batch", "ci", &off),   // does not
		deploy("dev", "job", "quiet", nil),   // the ServiceAccount turns mounting off
		deploy("dev", "agent", "quiet", &on), // and the pod turns it back on
		{APIVersion: "v1", Kind: "ServiceAccount", Typed: quiet, Meta: &quiet.ObjectMeta},
	} {
		inv.Add(o)
	}
	want := saUsers{
		rbac.ServiceAccount("dev", "default"): {"Deployment dev/web"},
		rbac.ServiceAccount("dev", "ci"):      {"Deployment dev/api"},
		rbac.ServiceAccount("dev", "quiet"):   {"Deployment dev/agent"},
	}
	if diff := cmp.Diff(want, serviceAccountUsers(inv)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func rule(verbs, groups, resources []string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources}
}

func ruleNamed(verbs, groups, resources []string, names ...string) rbacv1.PolicyRule {
	r := rule(verbs, groups, resources)
	r.ResourceNames = names
	return r
}

func objectMeta(kind, ns, name string) *object.Object {
	return &object.Object{Kind: kind, Meta: &metav1.ObjectMeta{Namespace: ns, Name: name}}
}

func roleObj(ns, name string, rules ...rbacv1.PolicyRule) *object.Object {
	v := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Rules: rules}
	return &object.Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role", Typed: v, Meta: &v.ObjectMeta}
}

func clusterRoleObj(name string, labels map[string]string, rules ...rbacv1.PolicyRule) *object.Object {
	v := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Rules: rules}
	return &object.Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Typed: v, Meta: &v.ObjectMeta}
}

func aggregatedClusterRoleObj(name string, selector map[string]string) *object.Object {
	o := clusterRoleObj(name, nil)
	o.Typed.(*rbacv1.ClusterRole).AggregationRule = &rbacv1.AggregationRule{
		ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: selector}},
	}
	return o
}

func roleBindingObj(ns, name, refKind, refName string, subjects ...rbacv1.Subject) *object.Object {
	v := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: refKind, Name: refName},
		Subjects:   subjects,
	}
	return &object.Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding", Typed: v, Meta: &v.ObjectMeta}
}

func clusterRoleBindingObj(name, refKind, refName string, subjects ...rbacv1.Subject) *object.Object {
	v := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: refKind, Name: refName},
		Subjects:   subjects,
	}
	return &object.Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding", Typed: v, Meta: &v.ObjectMeta}
}

func userSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: "rbac.authorization.k8s.io", Name: name}
}

func groupSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: "rbac.authorization.k8s.io", Name: name}
}

func saSubject(ns, name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}
}
