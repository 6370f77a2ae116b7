package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
)

// edgeUsers names, per edge kind, the user whose grant is that edge.
var edgeUsers = map[rbac.EdgeKind]string{
	rbac.EdgeRunsPodAs:        "po-runs",
	rbac.EdgeReadsTokenSecret: "po-token",
	rbac.EdgeCreatesToken:     "po-mint",
	rbac.EdgeImpersonates:     "po-sudo",
	rbac.EdgeBindsRoles:       "po-bind",
	rbac.EdgeNodeProxy:        "po-proxy",
	rbac.EdgeExecsIntoPod:     "po-exec",
	rbac.EdgeUpdatesWorkload:  "po-rollout",
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
	clusterGrant("po-bind", user("po-bind"), rule(rbacv1.GroupName, "clusterroles", []string{"bind"}))
	clusterGrant("po-proxy", user("po-proxy"), rule("", "nodes/proxy", []string{"get"}))
	grant(pathsSys, "po-exec", user("po-exec"), rule("", "pods/exec", []string{"create"}, "controller"))
	grant(pathsSys, "po-rollout", user("po-rollout"), rule("apps", "deployments", []string{"patch"}, "rollout"))
	// Two hops: the group po-devs runs pods as po-app's builder, which may
	// update the Deployment that runs as the admin ServiceAccount.
	grant(pathsApp, "po-devs", rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "po-devs"}, rule("", "pods", []string{"create"}))
	grant(pathsSys, "po-builder", rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: pathsApp, Name: "builder"},
		rule("apps", "deployments", []string{"update"}))
}

// TestRBACPathsOracle: every hop of every privilege-escalation path
// kubestride finds on the live cluster is a request the API server's own
// SubjectAccessReview allows to the subject taking the hop, and the last
// subject of each path is allowed every verb on every resource. Every edge
// kind is found, on the user granted only that edge.
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
		if a && b {
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

	firstEdge := map[rbac.Subject]rbac.EdgeKind{}
	hops, checked := 0, 0
	for _, p := range got.Paths {
		if len(p.Hops) > 0 {
			firstEdge[p.Subject] = p.Hops[0].Edge
		}
		from := p.Subject
		for _, h := range p.Hops {
			hops++
			var reqs []rbac.Request
			switch {
			case h.Request != nil:
				reqs = []rbac.Request{*h.Request}
			case h.Edge == rbac.EdgeIsClusterAdmin:
				for _, v := range []string{"create", "update", "delete", "get", "list"} {
					reqs = append(reqs, rbac.Request{Verb: v, Group: "*", Resource: "*"})
				}
			default:
				t.Errorf("path of %s: hop %s to %s names no request", p.Subject, h.Edge, h.To)
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
	for kind, name := range edgeUsers {
		if e, ok := firstEdge[rbac.User(name)]; !ok || e != kind {
			t.Errorf("user %s, granted only a %s edge: first hop %q (found: %v)", name, kind, e, ok)
		}
	}
	if e := firstEdge[rbac.Group("po-devs")]; e != rbac.EdgeRunsPodAs {
		t.Errorf("group po-devs: first hop %q, want %s then %s", e, rbac.EdgeRunsPodAs, rbac.EdgeUpdatesWorkload)
	}
	t.Logf("%d paths, %d hops; SubjectAccessReview allows all %d requests they name", len(got.Paths), hops, checked)
}
