package e2e

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubestride/kubestride/internal/cli"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/rbac"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/testcluster"
)

func admin(t *testing.T) kubernetes.Interface {
	t.Helper()
	cs, err := testcluster.Shared.Client("admin")
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// kubestride runs the CLI in-process.
func kubestride(t *testing.T, args ...string) (*report.Report, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
	var r report.Report
	if out.Len() > 0 {
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("kubestride %v: output is not a JSON report: %v\n%s\nstderr: %s", args, err, out.String(), errb.String())
		}
	}
	return &r, errb.String(), code
}

// must returns v, or stops the test (by panicking) when setting up the
// cluster failed.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("set up the cluster: %v", err))
	}
	return v
}

func ptr[T any](v T) *T { return &v }

func podSpec(privileged bool) corev1.PodSpec {
	return corev1.PodSpec{Containers: []corev1.Container{{
		Name: "app", Image: "registry.example.com/app:1.0",
		SecurityContext: &corev1.SecurityContext{Privileged: ptr(privileged)},
	}}}
}

// runningPod creates a pod (optionally owned by a controller) and marks it
// Running, as a kubelet would.
func runningPod(t *testing.T, ctx context.Context, cs kubernetes.Interface, ns, name string, owner *metav1.OwnerReference, privileged bool) {
	t.Helper()
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: podSpec(privileged)}
	if owner != nil {
		p.OwnerReferences = []metav1.OwnerReference{*owner}
	}
	p = must(cs.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{}))
	p.Status.Phase = corev1.PodRunning
	must(cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}))
}

func controllerRef(kind, name string, uid types.UID) *metav1.OwnerReference {
	api := "apps/v1"
	return &metav1.OwnerReference{APIVersion: api, Kind: kind, Name: name, UID: uid, Controller: ptr(true)}
}

// TestScanFindsWhatRuns creates workloads, RBAC and configuration through
// the API and requires the scan to report them under the right STRIDE
// categories, pods on their top-level owner, and a Pod Security readiness
// summary.
func TestScanFindsWhatRuns(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	const ns = "e2e-payments"
	if err := testcluster.Shared.Namespace(ctx, ns, map[string]string{"pod-security.kubernetes.io/warn": "restricted"}); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"app": "ledger"}
	dep := must(cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "ledger"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: podSpec(true)},
		},
	}, metav1.CreateOptions{}))
	rs := must(cs.AppsV1().ReplicaSets(ns).Create(ctx, &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "ledger-5d8f", OwnerReferences: []metav1.OwnerReference{*controllerRef("Deployment", dep.Name, dep.UID)}},
		Spec: appsv1.ReplicaSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: podSpec(true)},
		},
	}, metav1.CreateOptions{}))
	for _, name := range []string{"ledger-5d8f-a", "ledger-5d8f-b", "ledger-5d8f-c"} {
		runningPod(t, ctx, cs, ns, name, controllerRef("ReplicaSet", rs.Name, rs.UID), true)
	}
	runningPod(t, ctx, cs, ns, "debug", nil, false)
	must(cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "ledger-config"},
		Data:       map[string]string{"DB_PASSWORD": "Hunter2-but-longer-and-random-9f8a"},
	}, metav1.CreateOptions{}))
	must(cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "e2e-everything"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}},
	}, metav1.CreateOptions{}))
	must(cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "e2e-everything"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "default", Namespace: ns}},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "e2e-everything"},
	}, metav1.CreateOptions{}))

	must(cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{
		Name:   "e2e-cp-1",
		Labels: map[string]string{"node-role.kubernetes.io/control-plane": "", "topology.kubernetes.io/zone": "zone-a"},
	}}, metav1.CreateOptions{}))

	r, stderr, code := kubestride(t, "scan", "--cluster", "--kubeconfig", testcluster.Shared.Kubeconfig, "-f", "json")
	if code != report.ExitFindings {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, report.ExitFindings, stderr)
	}
	if r.Coverage == nil || len(r.Coverage.Gaps) != 0 {
		t.Fatalf("coverage = %+v, want no gaps", r.Coverage)
	}
	if got := r.Coverage.Listed["pods"]; got < 4 {
		t.Errorf("coverage lists %d pods, want at least 4", got)
	}

	type key struct{ id, kind, name string }
	found := map[key]report.Finding{}
	for _, f := range r.Findings {
		if f.Resource.Namespace == ns || f.Resource.Name == ns || f.Resource.Name == "e2e-everything" || f.Resource.Name == "e2e-cp-1" {
			found[key{string(f.ID), f.Resource.Kind, f.Resource.Name}] = f
		}
	}
	for _, want := range []struct {
		key
		category string
		pods     int
	}{
		{key{"pss-privileged", "Deployment", "ledger"}, "ElevationOfPrivilege", 3},
		{key{"namespace-psa-not-enforced", "Namespace", ns}, "ElevationOfPrivilege", 0},
		{key{"secret-in-configmap", "ConfigMap", "ledger-config"}, "InformationDisclosure", 0},
		{key{"rbac-wildcard", "ClusterRole", "e2e-everything"}, "ElevationOfPrivilege", 0},
		{key{"service-account-token-automount", "Pod", "debug"}, "Spoofing", 0},
		{key{"memory-limit-missing", "Deployment", "ledger"}, "DenialOfService", 3},
		{key{"control-plane-single-node", "Node", "e2e-cp-1"}, "DenialOfService", 0},
	} {
		f, ok := found[want.key]
		if !ok {
			t.Errorf("no %s finding on %s %s", want.id, want.kind, want.name)
			continue
		}
		if string(f.Category) != want.category || f.Resource.Pods != want.pods {
			t.Errorf("%s on %s %s: category %s, pods %d; want %s, %d", want.id, want.kind, want.name, f.Category, f.Resource.Pods, want.category, want.pods)
		}
		if f.Location != nil {
			t.Errorf("%s on %s %s has a file location %+v; cluster objects have none", want.id, want.kind, want.name, f.Location)
		}
	}
	for k := range found {
		if k.kind == "ReplicaSet" || strings.HasPrefix(k.name, "ledger-5d8f-") {
			t.Errorf("finding %s on %s %s: pods and ReplicaSets under a Deployment must be reported on the Deployment", k.id, k.kind, k.name)
		}
	}
	var rd *report.NamespaceReadiness
	for i := range r.Readiness {
		if r.Readiness[i].Namespace == ns {
			rd = &r.Readiness[i]
		}
	}
	want := report.NamespaceReadiness{Namespace: ns, Enforce: "", Version: r.Readiness[0].Version, Pods: 4, RejectedBaseline: 3, RejectedRestricted: 4}
	if rd == nil || *rd != want {
		t.Errorf("readiness of %s = %+v, want %+v", ns, rd, want)
	}
	raw, _ := json.Marshal(r)
	if bytes.Contains(raw, []byte("Hunter2-but-longer")) {
		t.Error("the report prints a ConfigMap's secret value")
	}
}

// TestForbiddenListsAreGaps scans as users RBAC does not let list
// everything: what they may not list is reported as a gap, never as
// "nothing found", and the exit code is 2 unless --allow-partial.
func TestForbiddenListsAreGaps(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	must(cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "e2e-list-pods"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods", "namespaces"}, Verbs: []string{"list"}}},
	}, metav1.CreateOptions{}))
	must(cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "e2e-alice"},
		Subjects:   []rbacv1.Subject{{Kind: "User", Name: "alice", APIGroup: "rbac.authorization.k8s.io"}},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "e2e-list-pods"},
	}, metav1.CreateOptions{}))
	// The authorizer learns of the binding through its informer: wait
	// until it allows alice's pod list before scanning as alice.
	deadline := time.Now().Add(30 * time.Second)
	for {
		allowed, err := sar(ctx, cs, rbac.User("alice"), rbac.Request{Verb: "list", Resource: "pods"})
		if err != nil {
			t.Fatal(err)
		}
		if allowed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the authorizer did not allow alice to list pods within 30s of the binding")
		}
		time.Sleep(50 * time.Millisecond)
	}

	r, stderr, code := kubestride(t, "scan", "--cluster", "--kubeconfig", testcluster.Shared.Kubeconfig, "--context", "alice", "-f", "json")
	if code != report.ExitError {
		t.Errorf("exit code = %d, want %d", code, report.ExitError)
	}
	if !strings.Contains(stderr, "could not be listed") || !strings.Contains(stderr, "secrets: forbidden") {
		t.Errorf("stderr does not name the forbidden lists:\n%s", stderr)
	}
	gaps := map[string]string{}
	for _, g := range r.Coverage.Gaps {
		gaps[g.Resource] = g.Reason
	}
	for _, res := range []string{"secrets", "deployments.apps", "roles.rbac.authorization.k8s.io", "nodes"} {
		if gaps[res] != "forbidden" {
			t.Errorf("gap for %s = %q, want forbidden", res, gaps[res])
		}
	}
	if _, ok := gaps["pods"]; ok {
		t.Error("pods may be listed, yet are reported as a gap")
	}
	if r.Coverage.Listed["pods"] == 0 {
		t.Error("the pods alice may list were not listed")
	}
	_, _, code = kubestride(t, "scan", "--cluster", "--kubeconfig", testcluster.Shared.Kubeconfig, "--context", "alice", "-f", "json", "--allow-partial")
	if code == report.ExitError {
		t.Errorf("--allow-partial: exit code = %d, want 0 or 1", code)
	}
}

// TestTimeoutsAreGaps puts a slow proxy in front of the API server that
// holds every Secret list past the request timeout.
func TestTimeoutsAreGaps(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	must(cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "e2e-carol"},
		Subjects:   []rbacv1.Subject{{Kind: "User", Name: "carol", APIGroup: "rbac.authorization.k8s.io"}},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
	}, metav1.CreateOptions{}))
	target, err := url.Parse(testcluster.Shared.Host)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := rest.TransportFor(testcluster.Shared.Config("carol"))
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = rt
	release := make(chan struct{})
	slow := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/secrets") {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer slow.Close()
	defer close(release)

	kc := clientcmdapi.NewConfig()
	kc.Clusters["slow"] = &clientcmdapi.Cluster{Server: slow.URL, InsecureSkipTLSVerify: true}
	kc.AuthInfos["carol"] = &clientcmdapi.AuthInfo{}
	kc.Contexts["slow"] = &clientcmdapi.Context{Cluster: "slow", AuthInfo: "carol"}
	kc.CurrentContext = "slow"
	file := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, file); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r, stderr, code := kubestride(t, "scan", "--cluster", "--kubeconfig", file, "--request-timeout", "5s", "-f", "json")
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the scan took %v; a timed-out list must not hold it up", d)
	}
	if code != report.ExitError {
		t.Errorf("exit code = %d, want %d; stderr:\n%s", code, report.ExitError, stderr)
	}
	var secrets *object.Gap
	for i, g := range r.Coverage.Gaps {
		if g.Resource == "secrets" {
			secrets = &r.Coverage.Gaps[i]
		} else {
			t.Errorf("unexpected gap %+v", g)
		}
	}
	if secrets == nil || secrets.Reason != "timeout" {
		t.Fatalf("secrets gap = %+v, want reason timeout", secrets)
	}
	if r.Coverage.Listed["pods"] == 0 {
		t.Error("the lists that did not time out were not scanned")
	}
}

// TestDeployManifests applies deploy/ to the cluster with server-side apply
// and requires the project's own scan to find nothing high or critical in
// them at restricted. The webhook's files are scanned here but applied by
// TestWebhookManifest: registered, the webhook (failurePolicy Fail, and
// nothing serving it) would refuse the workloads of the other files and
// the pods of later tests, and its cert-manager objects need cert-manager's
// CRDs.
func TestDeployManifests(t *testing.T) {
	dir := filepath.Join("..", "..", "deploy")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s", dir)
	}
	// kubestride.yaml first: kubestride-policyreports.yaml uses its
	// namespace and ClusterRole.
	slices.SortStableFunc(files, func(a, b string) int {
		return cmp.Compare(bool2int(filepath.Base(b) == "kubestride.yaml"), bool2int(filepath.Base(a) == "kubestride.yaml"))
	})
	ctx := context.Background()
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "kubestride-webhook") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := applyServerSide(ctx, testcluster.Shared.Config("admin"), data); err != nil {
			t.Fatalf("apply %s: %v", f, err)
		}
	}
	r, stderr, code := kubestride(t, "scan", "-f", "json", "--fail-on", "high", dir)
	if code != report.ExitOK {
		for _, f := range r.Findings {
			if f.Severity >= 4 && f.Suppressed == nil {
				t.Errorf("%s %s on %s %s: %s", f.Severity, f.ID, f.Resource.Kind, f.Resource.Name, f.Message)
			}
		}
		t.Fatalf("scan of deploy/ exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}
