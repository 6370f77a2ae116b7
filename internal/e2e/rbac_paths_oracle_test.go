package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubestride/kubestride/internal/cli"
	"github.com/kubestride/kubestride/internal/rbac"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// pathsWorld is a cluster-admin ServiceAccount, what leads to it (a legacy
// token Secret, a Pod and a Deployment that run as it), and one user per
// edge kind whose single grant is that edge, plus a two-hop path through a
// group.
const (
	pathsSys = "po-sys"
	pathsApp = "po-app"
	// pathsBindingWriter may write every binding but bind no
	// cluster-admin-equivalent role; pathsEscalator may escalate the
	// ClusterRole bound to it.
	pathsBindingWriter = "po-rbw"
	pathsEscalator     = "po-esc"
	// pathsKubeSystem may create pods in kube-system only, where the
	// ServiceAccounts of the bootstrap controller roles live.
	pathsKubeSystem = "po-kube"
	// pathsNSBinder may bind, in po-app, the Role po-nsadmin, which allows
	// creating pods there: a binding write in one namespace, then the
	// rules it gives.
	pathsNSBinder = "po-nsbind"
	// pathsNobody has no grant.
	pathsNobody = "po-nobody"
)

// edgeUsers names, per edge kind, the user whose grant is that edge.
var edgeUsers = map[rbac.EdgeKind]string{
	rbac.EdgeRunsPodAs:          "po-runs",
	rbac.EdgeReadsTokenSecret:   "po-token",
	rbac.EdgeCreatesToken:       "po-mint",
	rbac.EdgeImpersonates:       "po-sudo",
	rbac.EdgeBindsRoles:         "po-bind",
	rbac.EdgeCreatesTokenSecret: "po-secret",
	rbac.EdgeNodeProxy:          "po-proxy",
	rbac.EdgeExecsIntoPod:       "po-exec",
	rbac.EdgeUpdatesWorkload:    "po-rollout",
}

func createPathsWorld(ctx context.Context, t *testing.T) {
	t.Helper()
	cs := admin(t)
	for _, ns := range []string{pathsSys, pathsApp} {
		must(cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}))
		must(cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}))
	}
	must(cs.CoreV1().ServiceAccounts(pathsSys).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "admin"}}, metav1.CreateOptions{}))
	must(cs.CoreV1().ServiceAccounts(pathsApp).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "builder"}}, metav1.CreateOptions{}))
	must(cs.CoreV1().Secrets(pathsSys).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "admin-token", Annotations: map[string]string{corev1.ServiceAccountNameKey: "admin"}},
		Type:       corev1.SecretTypeServiceAccountToken,
	}, metav1.CreateOptions{}))
	spec := podSpec(false)
	spec.ServiceAccountName = "admin"
	must(cs.CoreV1().Pods(pathsSys).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "controller"}, Spec: spec}, metav1.CreateOptions{}))
	labels := map[string]string{"app": "rollout"}
	must(cs.AppsV1().Deployments(pathsSys).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "rollout"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec},
		},
	}, metav1.CreateOptions{}))

	clusterGrant := func(name string, subject rbacv1.Subject, rules ...rbacv1.PolicyRule) {
		must(cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{}))
		must(cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			Subjects: []rbacv1.Subject{subject}, RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}}, metav1.CreateOptions{}))
		t.Cleanup(func() {
			_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), name, metav1.DeleteOptions{})
			_ = cs.RbacV1().ClusterRoles().Delete(context.Background(), name, metav1.DeleteOptions{})
		})
	}
	grant := func(ns, name string, subject rbacv1.Subject, rules ...rbacv1.PolicyRule) {
		must(cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{}))
		must(cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			Subjects: []rbacv1.Subject{subject}, RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}}, metav1.CreateOptions{}))
	}
	user := func(name string) rbacv1.Subject {
		return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
	}
	rule := func(group, resource string, verbs []string, names ...string) rbacv1.PolicyRule {
		return rbacv1.PolicyRule{APIGroups: []string{group}, Resources: []string{resource}, Verbs: verbs, ResourceNames: names}
	}
	// The target: a ServiceAccount bound to cluster-admin.
	must(cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "po-admin"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: pathsSys, Name: "admin"}},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"}}, metav1.CreateOptions{}))
	t.Cleanup(func() {
		_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), "po-admin", metav1.DeleteOptions{})
	})

	grant(pathsSys, "po-runs", user("po-runs"), rule("", "pods", []string{"create"}))
	grant(pathsSys, "po-token", user("po-token"), rule("", "secrets", []string{"get"}, "admin-token"))
	grant(pathsSys, "po-mint", user("po-mint"), rule("", "serviceaccounts/token", []string{"create"}, "admin"))
	clusterGrant("po-sudo", user("po-sudo"), rule("", "serviceaccounts", []string{"impersonate"}))
	clusterGrant("po-bind", user("po-bind"), rule(rbacv1.GroupName, "clusterrolebindings", []string{"create"}),
		rule(rbacv1.GroupName, "clusterroles", []string{"bind"}, "cluster-admin"))
	// Binding writes the escalation check refuses: no bind on a
	// cluster-admin-equivalent role, and not holding one's permissions.
	clusterGrant(pathsBindingWriter, user(pathsBindingWriter),
		rule(rbacv1.GroupName, "clusterrolebindings", []string{"create", "update", "patch"}),
		rule(rbacv1.GroupName, "rolebindings", []string{"create", "update", "patch"}),
		rule(rbacv1.GroupName, "clusterroles", []string{"bind"}, "view"))
	// Escalating the ClusterRole bound to oneself.
	clusterGrant(pathsEscalator, user(pathsEscalator), rule(rbacv1.GroupName, "clusterroles", []string{"escalate", "update"}, pathsEscalator))
	// Creating a token Secret gives a token only to whom may read it back:
	// po-secret may get the one name it gives its Secret.
	grant(pathsSys, "po-secret", user("po-secret"), rule("", "secrets", []string{"create"}), rule("", "secrets", []string{"get"}, "po-secret-token"))
	clusterGrant("po-proxy", user("po-proxy"), rule("", "nodes/proxy", []string{"get"}))
	grant(pathsSys, "po-exec", user("po-exec"), rule("", "pods/exec", []string{"create"}, "controller"))
	grant(pathsSys, "po-rollout", user("po-rollout"), rule("apps", "deployments", []string{"patch"}, "rollout"))
	// Two hops: the group po-devs runs pods as po-app's builder, which may
	// update the Deployment that runs as the admin ServiceAccount.
	grant(pathsApp, "po-devs", rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "po-devs"}, rule("", "pods", []string{"create"}))
	grant(pathsSys, "po-builder", rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: pathsApp, Name: "builder"},
		rule("apps", "deployments", []string{"update"}))
	must(cs.RbacV1().Roles(pathsApp).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "po-nsadmin"},
		Rules: []rbacv1.PolicyRule{rule("", "pods", []string{"create"})}}, metav1.CreateOptions{}))
	grant(pathsApp, pathsNSBinder, user(pathsNSBinder), rule(rbacv1.GroupName, "rolebindings", []string{"create"}),
		rule(rbacv1.GroupName, "roles", []string{"bind"}, "po-nsadmin"))

	// kube-system: the ServiceAccounts kube-controller-manager would create
	// for the bootstrap policy's system:controller:* ClusterRoleBindings,
	// and a user who may create pods there.
	crbs := must(cs.RbacV1().ClusterRoleBindings().List(ctx, metav1.ListOptions{}))
	for _, b := range crbs.Items {
		if !strings.HasPrefix(b.Name, "system:controller:") {
			continue
		}
		for _, s := range b.Subjects {
			if s.Kind != rbacv1.ServiceAccountKind || s.Namespace != metav1.NamespaceSystem {
				continue
			}
			_, err := cs.CoreV1().ServiceAccounts(s.Namespace).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: s.Name}}, metav1.CreateOptions{})
			if apierrors.IsAlreadyExists(err) {
				continue
			}
			must(0, err)
			t.Cleanup(func() {
				_ = cs.CoreV1().ServiceAccounts(s.Namespace).Delete(context.Background(), s.Name, metav1.DeleteOptions{})
			})
		}
	}
	grant(metav1.NamespaceSystem, pathsKubeSystem, user(pathsKubeSystem), rule("", "pods", []string{"create"}))
	t.Cleanup(func() {
		_ = cs.RbacV1().RoleBindings(metav1.NamespaceSystem).Delete(context.Background(), pathsKubeSystem, metav1.DeleteOptions{})
		_ = cs.RbacV1().Roles(metav1.NamespaceSystem).Delete(context.Background(), pathsKubeSystem, metav1.DeleteOptions{})
	})
}

// TestRBACPathsOracle: every hop of every privilege-escalation path
// kubestride finds on the live cluster is a request the API server's own
// SubjectAccessReview allows to the subject taking the hop (with the bind or
// escalate check it names), and every path is replayed for real, hop by
// hop, as the requests it names, each made with the credential the hop
// before yielded (see replayer), up to a subject that is allowed every verb
// on every resource. Every edge kind is found, on the user granted only
// that edge, and a user who may create pods in kube-system reaches
// cluster-admin through the bootstrap controllers' ServiceAccounts; a
// binding writer without bind has no path, and the API server refuses its
// write.
func TestRBACPathsOracle(t *testing.T) {
	ctx := context.Background()
	createPathsWorld(ctx, t)
	cs := admin(t)
	// Wait until the authorizer's caches hold the grants made last.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		a, err := sar(ctx, cs, rbac.ServiceAccount(pathsApp, "builder"), rbac.Request{Verb: "update", Group: "apps", Resource: "deployments", Namespace: pathsSys})
		if err != nil {
			t.Fatal(err)
		}
		b, err := sar(ctx, cs, rbac.User("po-proxy"), rbac.Request{Verb: "get", Resource: "nodes", Subresource: "proxy"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := sar(ctx, cs, rbac.User(pathsKubeSystem), rbac.Request{Verb: "create", Resource: "pods", Namespace: metav1.NamespaceSystem})
		if err != nil {
			t.Fatal(err)
		}
		if a && b && c {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the authorizer did not see the RBAC objects in time")
		}
	}

	var out, errb strings.Builder
	code := cli.Main([]string{"rbac", "paths", "--cluster", "--kubeconfig", testcluster.Shared.Kubeconfig, "-f", "json"},
		cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
	var got struct {
		Paths []rbac.Path `json:"paths"`
	}
	if err := json.Unmarshal([]byte(out.String()), &got); code != 1 || err != nil {
		t.Fatalf("rbac paths: exit %d (want 1: paths exist), %v; stderr:\n%s", code, err, errb.String())
	}

	firstHop := map[rbac.Subject]rbac.Hop{}
	hops, checked, afterWrite := 0, 0, 0
	for _, p := range got.Paths {
		if len(p.Hops) > 0 {
			firstHop[p.Subject] = p.Hops[0]
		}
		from := p.Subject
		granted := false // the hop before wrote the grant this hop uses
		for _, h := range p.Hops {
			hops++
			if granted {
				// Not allowed before the write: the replay makes the
				// write, then this hop.
				granted = false
				afterWrite++
				from = h.To
				continue
			}
			granted = h.Edge == rbac.EdgeBindsRoles && h.To == from
			var reqs []rbac.Request
			switch {
			case h.Request != nil:
				reqs = []rbac.Request{*h.Request}
			case h.Edge == rbac.EdgeIsClusterAdmin:
				reqs = adminRequests()
			default:
				t.Errorf("path of %s: hop %s to %s names no request", p.Subject, h.Edge, h.To)
			}
			for _, n := range h.Also {
				reqs = append(reqs, n.Request)
			}
			for _, req := range reqs {
				checked++
				allowed, err := sar(ctx, cs, from, req)
				if err != nil {
					t.Fatalf("SubjectAccessReview: %v", err)
				}
				if !allowed {
					t.Errorf("path of %s: hop %s (%s) to %s: SubjectAccessReview denies %+v to %s", p.Subject, h.Edge, h.Action, h.To, req, from)
				}
			}
			from = h.To
		}
	}

	// Replay every path for real.
	rbacBefore := rbacState(ctx, t)
	r := newReplayer(ctx, t)
	replayed := 0
	for _, p := range got.Paths {
		if err := r.replay(p); err != nil {
			t.Errorf("path of %s: %v", p.Subject, err)
			continue
		}
		replayed++
		var edges []string
		for _, h := range p.Hops {
			edges = append(edges, string(h.Edge)+" "+h.To.String())
		}
		t.Logf("replayed the path of %s: %s", p.Subject, strings.Join(edges, ", "))
	}
	requests := r.requests
	firstEdge := map[rbac.Subject]rbac.EdgeKind{}
	for s, h := range firstHop {
		firstEdge[s] = h.Edge
	}
	if h, ok := firstHop[rbac.User(pathsKubeSystem)]; !ok || h.Edge != rbac.EdgeRunsPodAs || h.Request == nil || h.Request.Namespace != metav1.NamespaceSystem {
		t.Errorf("user %s, who may create pods in kube-system: first hop %+v (found: %v), want %s in kube-system", pathsKubeSystem, h, ok, rbac.EdgeRunsPodAs)
	}
	// A RoleBinding written in po-app to the Role it may bind, then the
	// pods that Role lets it create there.
	if h, ok := firstHop[rbac.User(pathsNSBinder)]; !ok || h.Edge != rbac.EdgeBindsRoles || h.To != rbac.User(pathsNSBinder) || h.Request == nil || h.Request.Namespace != pathsApp {
		t.Errorf("user %s, who may bind Role po-nsadmin in %s: first hop %+v (found: %v), want %s to itself in %s", pathsNSBinder, pathsApp, h, ok, rbac.EdgeBindsRoles, pathsApp)
	}
	if _, ok := firstEdge[rbac.User(pathsBindingWriter)]; ok {
		t.Errorf("user %s, who may write bindings but bind no cluster-admin-equivalent role, has a path", pathsBindingWriter)
	}
	replayFabricated(t, r, firstHop)
	if diff := cmp.Diff(rbacBefore, rbacState(ctx, t)); diff != "" {
		t.Errorf("the replay left the ClusterRoles and ClusterRoleBindings changed (-before +after):\n%s", diff)
	}
	// The API server refuses what the path would have been.
	writer := impersonating(t, rbac.User(pathsBindingWriter))
	dry := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
	adminRef := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"}
	me := []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: pathsBindingWriter}}
	if _, err := writer.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "po-rbw-admin"},
		Subjects: me, RoleRef: adminRef}, dry); !apierrors.IsForbidden(err) {
		t.Errorf("%s creates a ClusterRoleBinding to cluster-admin: error %v, want Forbidden", pathsBindingWriter, err)
	}
	if _, err := writer.RbacV1().RoleBindings(pathsSys).Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "po-rbw-admin"},
		Subjects: me, RoleRef: adminRef}, dry); !apierrors.IsForbidden(err) {
		t.Errorf("%s creates a RoleBinding to cluster-admin: error %v, want Forbidden", pathsBindingWriter, err)
	}
	if e := firstEdge[rbac.User(pathsEscalator)]; e != rbac.EdgeBindsRoles {
		t.Errorf("user %s, who may escalate its own ClusterRole: first hop %q, want %s", pathsEscalator, e, rbac.EdgeBindsRoles)
	}
	for kind, name := range edgeUsers {
		if e, ok := firstEdge[rbac.User(name)]; !ok || e != kind {
			t.Errorf("user %s, granted only a %s edge: first hop %q (found: %v)", name, kind, e, ok)
		}
	}
	if e := firstEdge[rbac.Group("po-devs")]; e != rbac.EdgeRunsPodAs {
		t.Errorf("group po-devs: first hop %q, want %s then %s", e, rbac.EdgeRunsPodAs, rbac.EdgeUpdatesWorkload)
	}
	// The target itself is a path of zero hops; system:masters, bound to
	// cluster-admin by the bootstrap policy, is left out.
	if e := firstEdge[rbac.ServiceAccount(pathsSys, "admin")]; e != rbac.EdgeIsClusterAdmin {
		t.Errorf("ServiceAccount %s/admin, bound to cluster-admin: first hop %q, want %s (zero hops)", pathsSys, e, rbac.EdgeIsClusterAdmin)
	}
	if _, ok := firstEdge[rbac.Group(rbac.SystemMasters)]; ok {
		t.Errorf("group %s has a path", rbac.SystemMasters)
	}
	t.Logf("%d paths, %d hops; SubjectAccessReview allows all %d requests they name (%d hops that use a grant the hop before writes are left to the replay); %d paths replayed with %d real requests as their subjects",
		len(got.Paths), hops, checked, afterWrite, replayed, requests)
	for e, n := range r.accepted {
		t.Logf("accepted %d times, as the API server let the request through to a kubelet that does not run: %s", n, e)
	}
}

// replayFabricated holds the replay to paths written by hand: the first hop
// of each edge user's path, taken by a user with no grant, fails with
// Forbidden.
func replayFabricated(t *testing.T, r *replayer, firstHop map[rbac.Subject]rbac.Hop) {
	t.Helper()
	for kind, name := range edgeUsers {
		h, ok := firstHop[rbac.User(name)]
		if !ok {
			continue // reported above
		}
		err := r.replay(rbac.Path{Subject: rbac.User(pathsNobody), Hops: []rbac.Hop{h}})
		if !apierrors.IsForbidden(err) {
			t.Errorf("the %s hop of %s replayed as %s, who has no grant: error %v, want Forbidden", kind, name, pathsNobody, err)
		}
	}
}

// rbacState is the rules of every ClusterRole and the subjects of every
// ClusterRoleBinding, by name.
func rbacState(ctx context.Context, t *testing.T) map[string]any {
	t.Helper()
	cs := admin(t)
	roles, err := cs.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bindings, err := cs.RbacV1().ClusterRoleBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for _, r := range roles.Items {
		out["ClusterRole "+r.Name] = r.Rules
	}
	for _, b := range bindings.Items {
		out["ClusterRoleBinding "+b.Name] = b.Subjects
	}
	return out
}

// impersonating returns a client that acts as subject.
func impersonating(t *testing.T, subject rbac.Subject) kubernetes.Interface {
	t.Helper()
	cfg := rest.CopyConfig(testcluster.Shared.Config("admin"))
	user, groups := rbac.Identity(subject)
	if user == "" {
		user = groupMember // a group is replayed by one of its members
	}
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: groups}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
