package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestride/kubestride/internal/cli"
	"github.com/kubestride/kubestride/internal/cluster"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/rbac"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// The RBAC oracle: a generated set of roles and bindings on the real API
// server, and generated questions asked both of the server
// (SubjectAccessReview) and of kubestride's model, which must agree on every
// one.
//
// Aggregation is part of the comparison: the test cluster runs no
// controller manager, so the test fills the rules of its aggregated
// ClusterRoles itself, the way the aggregation controller does (union of the
// selected roles' rules, repeated until nothing changes), while the model
// computes them from the selectors alone. The bootstrap aggregated roles
// (admin, edit, view) are left unfilled by the server, so the generated
// bindings never name them.

const (
	oracleSeed    = 20261127
	oracleAggKey  = "oracle.kubestride.dev/agg-"
	oraclePrefix  = "oracle-"
	oracleRequest = 260 // requests; each is asked for every subject
)

var (
	oracleNamespaces = []string{"rbac-oracle-0", "rbac-oracle-1", "rbac-oracle-2"}
	oracleVerbs      = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate"}
	oracleResources  = []struct{ group, resource, sub string }{
		{"", "pods", ""}, {"", "pods", "exec"}, {"", "pods", "log"}, {"", "pods", "status"},
		{"", "secrets", ""}, {"", "configmaps", ""}, {"", "serviceaccounts", "token"}, {"", "nodes", ""},
		{"", "nodes", "proxy"}, {"", "namespaces", ""}, {"", "users", ""}, {"", "groups", ""},
		{"apps", "deployments", ""}, {"apps", "deployments", "scale"}, {"apps", "deployments", "status"},
		{"batch", "jobs", ""}, {"rbac.authorization.k8s.io", "roles", ""}, {"rbac.authorization.k8s.io", "clusterroles", ""},
		{"rbac.authorization.k8s.io", "rolebindings", ""}, {"authorization.k8s.io", "selfsubjectaccessreviews", ""},
		{"oracle.example.com", "widgets", ""}, {"oracle.example.com", "widgets", "status"},
	}
	oracleNames = []string{"n1", "n2", "n3"}
	oracleURLs  = []string{"/healthz", "/healthz/etcd", "/livez", "/readyz", "/version", "/api", "/apis", "/metrics", "/oracle", "/oracle/a", "/oracle/a/b", "/openapi/v2"}
)

// oracleWorld is the generated RBAC set and the subjects asked about.
type oracleWorld struct {
	clusterRoles []*rbacv1.ClusterRole
	roles        []*rbacv1.Role
	crbs         []*rbacv1.ClusterRoleBinding
	rbs          []*rbacv1.RoleBinding
	sas          []*corev1.ServiceAccount
	subjects     []rbac.Subject
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func some[T any](r *rand.Rand, s []T, max int) []T {
	n := 1 + r.IntN(max)
	out := make([]T, 0, n)
	for range n {
		v := pick(r, s)
		out = append(out, v)
	}
	return out
}

func genResourceRule(r *rand.Rand) rbacv1.PolicyRule {
	var rule rbacv1.PolicyRule
	if r.IntN(8) == 0 {
		rule.Verbs = []string{"*"}
	} else {
		rule.Verbs = some(r, oracleVerbs, 3)
	}
	res := pick(r, oracleResources)
	switch r.IntN(10) {
	case 0:
		rule.APIGroups = []string{"*"}
	case 1:
		rule.APIGroups = []string{res.group, pick(r, oracleResources).group}
	default:
		rule.APIGroups = []string{res.group}
	}
	name := res.resource
	if res.sub != "" {
		name += "/" + res.sub
	}
	switch r.IntN(12) {
	case 0:
		rule.Resources = []string{"*"}
	case 1:
		rule.Resources = []string{"*/" + pick(r, []string{"status", "scale", "exec", "log"})}
	case 2:
		rule.Resources = []string{res.resource + "/*"}
	case 3, 4:
		rule.Resources = []string{name, pick(r, oracleResources).resource}
	default:
		rule.Resources = []string{name}
	}
	if r.IntN(4) == 0 {
		rule.ResourceNames = some(r, oracleNames, 2)
	}
	return rule
}

func genURLRule(r *rand.Rand) rbacv1.PolicyRule {
	urls := []string{"/oracle/*", "/oracle", "/healthz/*", "/metrics", "*", "/oracle/a*", "/version"}
	return rbacv1.PolicyRule{Verbs: some(r, []string{"get", "post", "put", "*"}, 2), NonResourceURLs: some(r, urls, 2)}
}

func genRules(r *rand.Rand, urls bool) []rbacv1.PolicyRule {
	n := r.IntN(4) // zero rules happen too
	var rules []rbacv1.PolicyRule
	for range n {
		if urls && r.IntN(6) == 0 {
			rules = append(rules, genURLRule(r))
		} else {
			rules = append(rules, genResourceRule(r))
		}
	}
	return rules
}

func genWorld() *oracleWorld {
	r := rand.New(rand.NewPCG(oracleSeed, 1))
	w := &oracleWorld{}
	var users, groups []rbac.Subject
	for i := range 8 {
		users = append(users, rbac.User(fmt.Sprintf("%su%d", oraclePrefix, i)))
	}
	users = append(users, rbac.User(rbac.AnonymousUser))
	for i := range 5 {
		groups = append(groups, rbac.Group(fmt.Sprintf("%sg%d", oraclePrefix, i)))
	}
	groups = append(groups, rbac.Group(rbac.GroupServiceAccounts), rbac.Group(rbac.GroupAuthenticated), rbac.Group(rbac.GroupUnauthenticated))
	var sas []rbac.Subject
	for _, ns := range oracleNamespaces {
		groups = append(groups, rbac.Group("system:serviceaccounts:"+ns))
		for i := range 4 {
			name := fmt.Sprintf("sa%d", i)
			sas = append(sas, rbac.ServiceAccount(ns, name))
			w.sas = append(w.sas, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}})
		}
		sas = append(sas, rbac.ServiceAccount(ns, "default"), rbac.ServiceAccount(ns, "ghost")) // ghost is never created
	}
	w.subjects = slices.Concat(users, groups, sas)

	// Leaf ClusterRoles, some labelled for aggregation; then aggregated
	// ones selecting them and each other (loops included).
	for i := range 70 {
		cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%scr%d", oraclePrefix, i), Labels: map[string]string{}}, Rules: genRules(r, true)}
		for k := range 4 {
			if r.IntN(5) == 0 {
				cr.Labels[fmt.Sprintf("%s%d", oracleAggKey, k)] = "true"
			}
		}
		w.clusterRoles = append(w.clusterRoles, cr)
	}
	for i := range 8 {
		cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%sagg%d", oraclePrefix, i), Labels: map[string]string{}}, AggregationRule: &rbacv1.AggregationRule{}}
		for range 1 + r.IntN(2) {
			k := fmt.Sprintf("%s%d", oracleAggKey, r.IntN(4))
			if r.IntN(3) == 0 {
				cr.AggregationRule.ClusterRoleSelectors = append(cr.AggregationRule.ClusterRoleSelectors, metav1.LabelSelector{
					MatchExpressions: []metav1.LabelSelectorRequirement{{Key: k, Operator: metav1.LabelSelectorOpExists}}})
			} else {
				cr.AggregationRule.ClusterRoleSelectors = append(cr.AggregationRule.ClusterRoleSelectors, metav1.LabelSelector{MatchLabels: map[string]string{k: "true"}})
			}
		}
		if r.IntN(2) == 0 { // aggregated roles aggregated in turn
			cr.Labels[fmt.Sprintf("%s%d", oracleAggKey, r.IntN(4))] = "true"
		}
		w.clusterRoles = append(w.clusterRoles, cr)
	}
	aggregateLikeTheController(w.clusterRoles)

	for i := range 90 {
		ns := pick(r, oracleNamespaces)
		w.roles = append(w.roles, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("%srole%d", oraclePrefix, i)}, Rules: genRules(r, false)})
	}

	subject := func(namespaced bool) rbacv1.Subject {
		switch s := pick(r, w.subjects); s.Kind {
		case rbacv1.ServiceAccountKind:
			sub := rbacv1.Subject{Kind: s.Kind, Namespace: s.Namespace, Name: s.Name}
			if namespaced && r.IntN(3) == 0 {
				sub.Namespace = "" // the binding's own namespace
			}
			return sub
		default:
			if s.Kind == rbacv1.UserKind && s.Name != rbac.AnonymousUser && r.IntN(15) == 0 {
				// a ServiceAccount named as a user
				sa := pick(r, sas)
				return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "system:serviceaccount:" + sa.Namespace + ":" + sa.Name}
			}
			return rbacv1.Subject{Kind: s.Kind, APIGroup: rbacv1.GroupName, Name: s.Name}
		}
	}
	subjects := func(namespaced bool) []rbacv1.Subject {
		var out []rbacv1.Subject
		for range 1 + r.IntN(3) {
			out = append(out, subject(namespaced))
		}
		return out
	}
	clusterRoleRef := func() rbacv1.RoleRef {
		name := pick(r, w.clusterRoles).Name
		switch r.IntN(25) {
		case 0:
			name = oraclePrefix + "missing"
		case 1:
			name = "system:basic-user" // a bootstrap role
		}
		return rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}
	}
	for i := range 60 {
		crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%scrb%d", oraclePrefix, i)}, RoleRef: clusterRoleRef()}
		for range 1 + r.IntN(3) {
			s := subject(false)
			if s.Kind == rbacv1.GroupKind && (s.Name == rbac.GroupAuthenticated || s.Name == rbac.GroupUnauthenticated || s.Name == rbac.GroupServiceAccounts) {
				continue // keep cluster-wide grants to everyone out of the other tests' way
			}
			crb.Subjects = append(crb.Subjects, s)
		}
		w.crbs = append(w.crbs, crb)
	}
	for i := range 200 {
		ns := pick(r, oracleNamespaces)
		b := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("%srb%d", oraclePrefix, i)}, Subjects: subjects(true)}
		if r.IntN(2) == 0 {
			b.RoleRef = clusterRoleRef()
		} else {
			name := pick(r, w.roles).Name // often a Role of another namespace: missing here
			b.RoleRef = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}
		}
		w.rbs = append(w.rbs, b)
	}
	// The roster names every subject asked about in a binding, so that
	// WhoCan considers them all; its rule matches no generated request.
	roster := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: oracleNamespaces[0], Name: oraclePrefix + "roster"},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{"oracle.example.com"}, Resources: []string{"rosters"}}}}
	w.roles = append(w.roles, roster)
	rosterBinding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: roster.Namespace, Name: roster.Name},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: roster.Name}}
	for _, s := range w.subjects {
		sub := rbacv1.Subject{Kind: s.Kind, Name: s.Name, Namespace: s.Namespace}
		if s.Kind != rbacv1.ServiceAccountKind {
			sub.APIGroup = rbacv1.GroupName
		}
		rosterBinding.Subjects = append(rosterBinding.Subjects, sub)
	}
	w.rbs = append(w.rbs, rosterBinding)
	return w
}

// aggregateLikeTheController fills the rules of every aggregated ClusterRole
// as the aggregation controller does: for each selector, the selected roles
// other than itself in name order, each rule once; repeated until no role
// changes, since the controller re-syncs a role when one it selects changes.
func aggregateLikeTheController(roles []*rbacv1.ClusterRole) {
	sorted := slices.Clone(roles)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for changed := true; changed; {
		changed = false
		for _, cr := range sorted {
			if cr.AggregationRule == nil {
				continue
			}
			var rules []rbacv1.PolicyRule
			for i := range cr.AggregationRule.ClusterRoleSelectors {
				sel, err := metav1.LabelSelectorAsSelector(&cr.AggregationRule.ClusterRoleSelectors[i])
				if err != nil {
					panic(err)
				}
				for _, other := range sorted {
					if other.Name == cr.Name || !sel.Matches(labels.Set(other.Labels)) {
						continue
					}
					for _, rule := range other.Rules {
						if !slices.ContainsFunc(rules, func(have rbacv1.PolicyRule) bool { return reflect.DeepEqual(have, rule) }) {
							rules = append(rules, rule)
						}
					}
				}
			}
			if !reflect.DeepEqual(rules, cr.Rules) {
				cr.Rules, changed = rules, true
			}
		}
	}
}

// genRequests returns the generated requests.
func genRequests() []rbac.Request {
	r := rand.New(rand.NewPCG(oracleSeed, 2))
	namespaces := append(slices.Clone(oracleNamespaces), "", "default")
	var out []rbac.Request
	for range oracleRequest {
		if r.IntN(7) == 0 {
			out = append(out, rbac.Request{Verb: pick(r, []string{"get", "post", "put"}), NonResourceURL: pick(r, oracleURLs)})
			continue
		}
		res := pick(r, oracleResources)
		req := rbac.Request{Verb: pick(r, oracleVerbs), Group: res.group, Resource: res.resource, Subresource: res.sub, Namespace: pick(r, namespaces)}
		if r.IntN(30) == 0 {
			req.Verb = "*"
		}
		switch req.Verb {
		case "list", "watch", "create", "deletecollection":
		default:
			if r.IntN(4) != 0 {
				req.Name = pick(r, append(slices.Clone(oracleNames), "other"))
			}
		}
		out = append(out, req)
	}
	return out
}

func (w *oracleWorld) create(ctx context.Context, t *testing.T, cs kubernetes.Interface) {
	t.Helper()
	for _, ns := range oracleNamespaces {
		if err := testcluster.Shared.Namespace(ctx, ns, nil); err != nil {
			t.Fatal(err)
		}
	}
	fail := func(what string, err error) {
		if err != nil {
			t.Fatalf("create %s: %v", what, err)
		}
	}
	for _, sa := range w.sas {
		if sa.Name == "default" {
			continue
		}
		_, err := cs.CoreV1().ServiceAccounts(sa.Namespace).Create(ctx, sa, metav1.CreateOptions{})
		fail("ServiceAccount "+sa.Name, err)
	}
	for _, cr := range w.clusterRoles {
		_, err := cs.RbacV1().ClusterRoles().Create(ctx, cr, metav1.CreateOptions{})
		fail("ClusterRole "+cr.Name, err)
	}
	for _, ro := range w.roles {
		_, err := cs.RbacV1().Roles(ro.Namespace).Create(ctx, ro, metav1.CreateOptions{})
		fail("Role "+ro.Name, err)
	}
	for _, b := range w.crbs {
		_, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{})
		fail("ClusterRoleBinding "+b.Name, err)
	}
	for _, b := range w.rbs {
		_, err := cs.RbacV1().RoleBindings(b.Namespace).Create(ctx, b, metav1.CreateOptions{})
		fail("RoleBinding "+b.Name, err)
	}
}

// cleanup deletes what create made, so that no grant outlives the test.
func (w *oracleWorld) cleanup(t *testing.T, cs kubernetes.Interface) {
	ctx := context.Background()
	for _, b := range w.crbs {
		_ = cs.RbacV1().ClusterRoleBindings().Delete(ctx, b.Name, metav1.DeleteOptions{})
	}
	for _, cr := range w.clusterRoles {
		_ = cs.RbacV1().ClusterRoles().Delete(ctx, cr.Name, metav1.DeleteOptions{})
	}
	for _, ns := range oracleNamespaces {
		// No controller manager empties a deleted namespace: delete its
		// bindings and roles first.
		_ = cs.RbacV1().RoleBindings(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		_ = cs.RbacV1().Roles(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		_ = cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
	}
}

// sar asks the API server whether subject may do req.
func sar(ctx context.Context, cs kubernetes.Interface, subject rbac.Subject, req rbac.Request) (bool, error) {
	user, groups := rbac.Identity(subject)
	spec := authzv1.SubjectAccessReviewSpec{User: user, Groups: groups}
	if req.IsResource() {
		spec.ResourceAttributes = &authzv1.ResourceAttributes{Namespace: req.Namespace, Verb: req.Verb, Group: req.Group,
			Resource: req.Resource, Subresource: req.Subresource, Name: req.Name}
	} else {
		spec.NonResourceAttributes = &authzv1.NonResourceAttributes{Path: req.NonResourceURL, Verb: req.Verb}
	}
	res, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authzv1.SubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
	if err != nil {
		return false, err
	}
	return res.Status.Allowed, nil
}

// waitForAuthorizer waits until the authorizer's caches hold the last
// objects created: sentinels of every RBAC kind, created after the rest.
func waitForAuthorizer(ctx context.Context, t *testing.T, cs kubernetes.Interface) {
	t.Helper()
	ns := oracleNamespaces[len(oracleNamespaces)-1]
	name := oraclePrefix + "sentinel"
	subjects := []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}}
	must(cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, NonResourceURLs: []string{"/" + name}}}}, metav1.CreateOptions{}))
	must(cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: subjects,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}}, metav1.CreateOptions{}))
	must(cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{name}}}}, metav1.CreateOptions{}))
	must(cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: subjects,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}}, metav1.CreateOptions{}))
	t.Cleanup(func() {
		_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), name, metav1.DeleteOptions{})
		_ = cs.RbacV1().ClusterRoles().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	sentinel := rbac.User(name)
	deadline := time.Now().Add(30 * time.Second)
	for {
		a, err := sar(ctx, cs, sentinel, rbac.Request{Verb: "get", NonResourceURL: "/" + name})
		if err != nil {
			t.Fatal(err)
		}
		b, err := sar(ctx, cs, sentinel, rbac.Request{Verb: "get", Resource: name, Namespace: ns})
		if err != nil {
			t.Fatal(err)
		}
		if a && b {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the authorizer did not see the generated RBAC objects in time")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRBACOracle(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	w := genWorld()
	t.Cleanup(func() { w.cleanup(t, cs) })
	w.create(ctx, t, cs)
	waitForAuthorizer(ctx, t, cs)
	t.Logf("generated %d ClusterRoles (%d aggregated), %d Roles, %d ClusterRoleBindings, %d RoleBindings; %d subjects",
		len(w.clusterRoles), countAggregated(w.clusterRoles), len(w.roles), len(w.crbs), len(w.rbs), len(w.subjects))

	// The model sees the whole cluster's RBAC, bootstrap policy included,
	// through the collector.
	inv := inventory.New()
	res, err := cluster.Collect(ctx, cs, cluster.Options{SkipSecrets: true}, nil, func(obj *object.Object, _ struct{}) { inv.Add(obj) })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Gaps) > 0 {
		t.Fatalf("collect: gaps %+v", res.Gaps)
	}
	m := rbac.Build(inv)

	requests := genRequests()
	type question struct {
		req     int
		subject rbac.Subject
	}
	var questions []question
	for i := range requests {
		for _, s := range w.subjects {
			questions = append(questions, question{i, s})
		}
	}
	answers := make([]bool, len(questions))
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for worker := range 4 {
		wg.Go(func() {
			for i := worker; i < len(questions); i += 4 {
				ok, err := sar(ctx, cs, questions[i].subject, requests[questions[i].req])
				if err != nil {
					errs <- err
					return
				}
				answers[i] = ok
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatalf("SubjectAccessReview: %v", err)
	}

	asked := map[rbac.Subject]bool{}
	for _, s := range w.subjects {
		asked[s] = true
	}
	agree, allowed := 0, 0
	var via struct{ aggregated, names, wildcard, subresource, group, serviceAccount, roleBinding int }
	serverAllows := map[int]map[rbac.Subject]bool{}
	for i, q := range questions {
		req := requests[q.req]
		got, grants := m.Allowed(q.subject, req)
		if answers[i] {
			allowed++
			if serverAllows[q.req] == nil {
				serverAllows[q.req] = map[rbac.Subject]bool{}
			}
			serverAllows[q.req][q.subject] = true
		}
		if got == answers[i] {
			agree++
			if got {
				g := grants[0]
				for _, g := range grants {
					if g.AggregatedFrom != "" {
						via.aggregated++
						break
					}
				}
				if len(g.Rule.ResourceNames) > 0 {
					via.names++
				}
				if slices.Contains(g.Rule.Verbs, "*") || slices.Contains(g.Rule.APIGroups, "*") || slices.ContainsFunc(g.Rule.Resources, func(r string) bool { return strings.Contains(r, "*") }) {
					via.wildcard++
				}
				if req.Subresource != "" {
					via.subresource++
				}
				switch g.Subject.Kind {
				case rbacv1.GroupKind:
					via.group++
				case rbacv1.ServiceAccountKind:
					via.serviceAccount++
				}
				if g.Binding.Kind == "RoleBinding" {
					via.roleBinding++
				}
			}
			continue
		}
		t.Errorf("%v %+v: the API server says allowed=%v, the model %v (grants %+v)", q.subject, req, answers[i], got, grants)
	}
	whoAgree := 0
	for i, req := range requests {
		listed := map[rbac.Subject]bool{}
		for _, sg := range m.WhoCan(req) {
			if asked[sg.Subject] {
				listed[sg.Subject] = true
				if _, grants := m.Allowed(sg.Subject, req); !reflect.DeepEqual(grants, sg.Grants) {
					t.Errorf("WhoCan(%+v) gives %v the grants %+v, Allowed %+v", req, sg.Subject, sg.Grants, grants)
				}
			}
		}
		want := serverAllows[i]
		if want == nil {
			want = map[rbac.Subject]bool{}
		}
		if reflect.DeepEqual(listed, want) {
			whoAgree++
			continue
		}
		for s := range want {
			if !listed[s] {
				t.Errorf("WhoCan(%+v) does not list %v, whom the API server allows", req, s)
			}
		}
		for s := range listed {
			if !want[s] {
				t.Errorf("WhoCan(%+v) lists %v, whom the API server denies", req, s)
			}
		}
	}
	t.Logf("%d questions (%d requests x %d subjects; %d allowed, %d denied): Allowed agrees with SubjectAccessReview on %d (%.2f%%); WhoCan agrees on %d of %d requests",
		len(questions), len(requests), len(w.subjects), allowed, len(questions)-allowed, agree, 100*float64(agree)/float64(len(questions)), whoAgree, len(requests))
	t.Logf("allowed answers through an aggregated rule %d, a rule with resourceNames %d, a wildcard %d, a subresource %d, a group %d, a ServiceAccount subject %d, a RoleBinding %d",
		via.aggregated, via.names, via.wildcard, via.subresource, via.group, via.serviceAccount, via.roleBinding)
	if via.aggregated == 0 || via.names == 0 || via.wildcard == 0 || via.subresource == 0 || via.group == 0 || via.serviceAccount == 0 || via.roleBinding == 0 {
		t.Errorf("some feature never decides an answer: %+v", via)
	}
	if allowed == 0 || allowed == len(questions) {
		t.Errorf("the generated questions are all allowed or all denied (%d of %d allowed): the oracle tests nothing", allowed, len(questions))
	}
}

func countAggregated(roles []*rbacv1.ClusterRole) int {
	n := 0
	for _, r := range roles {
		if r.AggregationRule != nil {
			n++
		}
	}
	return n
}

// TestRBACCommandOnCluster runs kubestride rbac on the live cluster: the
// bootstrap policy lets every authenticated identity create
// SelfSubjectAccessReviews, and lets everyone read /healthz; a user who
// may not list RoleBindings gets the gap and exit code 2.
func TestRBACCommandOnCluster(t *testing.T) {
	rbacCLI := func(args ...string) (string, string, int) {
		var out, errb strings.Builder
		code := cli.Main(append([]string{"rbac"}, args...), cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
		return out.String(), errb.String(), code
	}
	kc := testcluster.Shared.Kubeconfig
	out, stderr, code := rbacCLI("who-can", "create", "selfsubjectaccessreviews", "--cluster", "--kubeconfig", kc, "-f", "json")
	var who struct {
		Subjects []struct {
			rbac.Subject
			Grants []rbac.Grant `json:"grants"`
		} `json:"subjects"`
	}
	if err := json.Unmarshal([]byte(out), &who); code != 0 || err != nil {
		t.Fatalf("who-can: exit %d, %v; stderr:\n%s", code, err, stderr)
	}
	found := false
	for _, s := range who.Subjects {
		if s.Subject == rbac.Group(rbac.GroupAuthenticated) && len(s.Grants) > 0 && s.Grants[0].Role.Name == "system:basic-user" {
			found = true
		}
	}
	if !found {
		t.Errorf("who-can create selfsubjectaccessreviews does not list group system:authenticated through system:basic-user:\n%s", out)
	}

	out, stderr, code = rbacCLI("can", "group:system:unauthenticated", "--cluster", "--kubeconfig", kc)
	if code != 0 || !strings.Contains(out, "/healthz") {
		t.Errorf("can group:system:unauthenticated: exit %d, stdout:\n%s\nstderr:\n%s", code, out, stderr)
	}

	_, stderr, code = rbacCLI("can", "user:alice", "--cluster", "--kubeconfig", kc, "--context", "alice")
	if code != 2 || !strings.Contains(stderr, "rolebindings") {
		t.Errorf("as alice: exit %d, want 2 and the forbidden lists; stderr:\n%s", code, stderr)
	}
}

// TestRBACOracleAggregationCycle: ClusterRoles whose aggregationRules select
// each other, with rules written in them as manifests carry them, and a leaf
// and an outside role around the cycle. The test fills the rules as the
// aggregation controller would (in name order; another order leaves other
// rules) and stores that on the API server; the model, built from the
// manifests as written, must allow at least everything the server allows,
// and nothing beyond the rules written in and selected by the cycle.
func TestRBACOracleAggregationCycle(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	const (
		prefix = oraclePrefix + "cycle-"
		group  = "cycle.oracle.example.com"
		key    = "oracle.kubestride.dev/cycle-"
	)
	rule := func(resource string) []rbacv1.PolicyRule {
		return []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{group}, Resources: []string{resource}}}
	}
	selector := func(label string) *rbacv1.AggregationRule {
		return &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{key + label: "true"}}}}
	}
	labelled := func(ls ...string) map[string]string {
		m := map[string]string{}
		for _, l := range ls {
			m[key+l] = "true"
		}
		return m
	}
	// a selects b and the leaf, b selects a: a cycle; c, outside it,
	// selects a.
	written := []*rbacv1.ClusterRole{
		{ObjectMeta: metav1.ObjectMeta{Name: prefix + "a", Labels: labelled("into-b", "into-c")}, AggregationRule: selector("into-a"), Rules: rule("alphas")},
		{ObjectMeta: metav1.ObjectMeta{Name: prefix + "b", Labels: labelled("into-a")}, AggregationRule: selector("into-b"), Rules: rule("betas")},
		{ObjectMeta: metav1.ObjectMeta{Name: prefix + "c"}, AggregationRule: selector("into-c"), Rules: rule("gammas")},
		{ObjectMeta: metav1.ObjectMeta{Name: prefix + "leaf", Labels: labelled("into-a")}, Rules: rule("leaves")},
	}
	stored := make([]*rbacv1.ClusterRole, len(written))
	for i, cr := range written {
		stored[i] = cr.DeepCopy()
	}
	aggregateLikeTheController(stored)

	users := map[string]rbac.Subject{}
	var bindings []*rbacv1.ClusterRoleBinding
	for _, name := range []string{"a", "b", "c"} {
		users[name] = rbac.User(prefix + "user-" + name)
		bindings = append(bindings, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: prefix + name},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: prefix + name},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: users[name].Name}}})
	}
	t.Cleanup(func() {
		for _, b := range bindings {
			_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), b.Name, metav1.DeleteOptions{})
		}
		for _, cr := range stored {
			_ = cs.RbacV1().ClusterRoles().Delete(context.Background(), cr.Name, metav1.DeleteOptions{})
		}
	})
	for _, cr := range stored {
		must(cs.RbacV1().ClusterRoles().Create(ctx, cr, metav1.CreateOptions{}))
	}
	for _, b := range bindings {
		must(cs.RbacV1().ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}))
	}
	// Wait until the authorizer sees the last binding (c's user gets the
	// leaf's rule through a).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ok, err := sar(ctx, cs, users["c"], rbac.Request{Verb: "get", Group: group, Resource: "leaves"})
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the authorizer did not see the cycle's roles and bindings in time")
		}
	}

	inv := inventory.New()
	for _, cr := range written {
		inv.Add(object.New(cr, &cr.ObjectMeta))
	}
	for _, b := range bindings {
		inv.Add(object.New(b, &b.ObjectMeta))
	}
	m := rbac.Build(inv)

	// Everything the cycle's roles write or select; c writes gammas, but
	// is outside the cycle, so the controller replaces it.
	union := []string{"alphas", "betas", "leaves"}
	lost := 0
	for _, name := range []string{"a", "b", "c"} {
		for _, resource := range []string{"alphas", "betas", "leaves", "gammas"} {
			req := rbac.Request{Verb: "get", Group: group, Resource: resource}
			server, err := sar(ctx, cs, users[name], req)
			if err != nil {
				t.Fatal(err)
			}
			model, grants := m.Allowed(users[name], req)
			if server && !model {
				t.Errorf("%s may get %s on the API server, the model denies it", users[name], resource)
			}
			if want := slices.Contains(union, resource); model != want {
				t.Errorf("the model says %s may get %s: %v (grants %+v), want %v", users[name], resource, model, grants, want)
			}
			if model && !server {
				lost++
			}
		}
	}
	// In name order the controller leaves a and b with b's rules and the
	// leaf's: a's own rule is lost, which another order would keep.
	if lost == 0 {
		t.Error("the emulated controller kept every rule of the cycle: the test does not exercise its order")
	}
	t.Logf("the model allows %d answers the emulated controller's order denies", lost)
}
