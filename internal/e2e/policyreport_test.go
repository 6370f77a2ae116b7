package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/cli"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/testcluster"
)

const (
	policyReportsNS   = "kubestride"
	policyReportsSA   = "kubestride-policyreports"
	policyReportsUser = "system:serviceaccount:" + policyReportsNS + ":" + policyReportsSA
)

var (
	polrGVR  = schema.GroupVersionResource{Group: "wgpolicyk8s.io", Version: "v1alpha2", Resource: "policyreports"}
	cpolrGVR = schema.GroupVersionResource{Group: "wgpolicyk8s.io", Version: "v1alpha2", Resource: "clusterpolicyreports"}
)

// TestPolicyReportCronJob installs the wgpolicyk8s.io/v1alpha2 CRDs (the
// policy working group's own) and deploy/kubestride-policyreports.yaml,
// creates bad workloads in two namespaces, and runs the CronJob's own
// command line with a token of its ServiceAccount. The reports read back
// from the API server must hold exactly the scan's findings, as fail
// results naming their objects. A second run, after one workload is fixed,
// must update the reports in place (same objects, no second report of a
// namespace, the fixed finding gone) and delete a stale report kubestride
// wrote before while leaving another tool's alone. The account's RBAC must
// be enough for all that (the runs) and no more (SubjectAccessReview).
func TestPolicyReportCronJob(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	adminCfg := testcluster.Shared.Config("admin")
	dyn := must(dynamic.NewForConfig(adminCfg))

	crds, err := os.ReadFile(filepath.Join("testdata", "policyreport-crds.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := applyServerSide(ctx, adminCfg, crds); err != nil {
		t.Fatalf("install the PolicyReport CRDs: %v", err)
	}
	waitFor(t, "the PolicyReport CRDs to be served", func() bool {
		_, err1 := dyn.Resource(polrGVR).List(ctx, metav1.ListOptions{})
		_, err2 := dyn.Resource(cpolrGVR).List(ctx, metav1.ListOptions{})
		return err1 == nil && err2 == nil
	})
	for _, f := range []string{"kubestride.yaml", "kubestride-policyreports.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "deploy", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := applyServerSide(ctx, adminCfg, data); err != nil {
			t.Fatalf("apply deploy/%s: %v", f, err)
		}
	}

	// Bad workloads: a privileged Deployment in one namespace, a pod on the
	// host's network in the other.
	nsA, nsB := "e2e-polr-a", "e2e-polr-b"
	for _, ns := range []string{nsA, nsB} {
		if err := testcluster.Shared.Namespace(ctx, ns, nil); err != nil {
			t.Fatal(err)
		}
	}
	labels := map[string]string{"app": "web"}
	must(cs.AppsV1().Deployments(nsA).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: podSpec(true)},
		},
	}, metav1.CreateOptions{}))
	hostNet := podSpec(false)
	hostNet.HostNetwork = true
	must(cs.CoreV1().Pods(nsB).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "sniffer"}, Spec: hostNet}, metav1.CreateOptions{}))

	// Another tool's report, and a report of kubestride's that no scan
	// produces (as a namespace that had results and now has none leaves).
	otherTool := policyReportObject(nsA, "other-tool", map[string]string{"app.kubernetes.io/managed-by": "other-tool"})
	stale := policyReportObject(nsA, "kubestride-stale", map[string]string{"app.kubernetes.io/managed-by": "kubestride"})
	for _, o := range []*unstructured.Unstructured{otherTool, stale} {
		must(dyn.Resource(polrGVR).Namespace(nsA).Create(ctx, o, metav1.CreateOptions{}))
	}

	// The ServiceAccount's RBAC: what the CronJob does, and nothing more.
	saGroups := []string{"system:serviceaccounts", "system:serviceaccounts:" + policyReportsNS, "system:authenticated"}
	for _, a := range []struct {
		attr  authorizationv1.ResourceAttributes
		allow bool
	}{

		{authorizationv1.ResourceAttributes{Verb: "create", Group: "wgpolicyk8s.io", Resource: "policyreports", Namespace: nsA}, true},
		{authorizationv1.ResourceAttributes{Verb: "patch", Group: "wgpolicyk8s.io", Resource: "policyreports", Namespace: nsA}, true},
		{authorizationv1.ResourceAttributes{Verb: "list", Group: "wgpolicyk8s.io", Resource: "policyreports"}, true},
		{authorizationv1.ResourceAttributes{Verb: "delete", Group: "wgpolicyk8s.io", Resource: "policyreports", Namespace: nsA}, true},
		{authorizationv1.ResourceAttributes{Verb: "patch", Group: "wgpolicyk8s.io", Resource: "clusterpolicyreports"}, true},

		{authorizationv1.ResourceAttributes{Verb: "create", Group: "wgpolicyk8s.io", Resource: "clusterpolicyreports"}, true},
		{authorizationv1.ResourceAttributes{Verb: "list", Resource: "pods"}, true},
		{authorizationv1.ResourceAttributes{Verb: "list", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"}, true},
		{authorizationv1.ResourceAttributes{Verb: "update", Group: "wgpolicyk8s.io", Resource: "policyreports", Namespace: nsA}, false},
		{authorizationv1.ResourceAttributes{Verb: "deletecollection", Group: "wgpolicyk8s.io", Resource: "policyreports", Namespace: nsA}, false},
		{authorizationv1.ResourceAttributes{Verb: "watch", Group: "wgpolicyk8s.io", Resource: "policyreports"}, false},
		{authorizationv1.ResourceAttributes{Verb: "create", Group: "wgpolicyk8s.io", Resource: "policyreports", Subresource: "status", Namespace: nsA}, false},
		{authorizationv1.ResourceAttributes{Verb: "list", Resource: "secrets"}, false},
		{authorizationv1.ResourceAttributes{Verb: "get", Resource: "secrets", Namespace: nsA}, false},
		{authorizationv1.ResourceAttributes{Verb: "create", Resource: "configmaps", Namespace: nsA}, false},
		{authorizationv1.ResourceAttributes{Verb: "patch", Group: "apps", Resource: "deployments", Namespace: nsA}, false},
		{authorizationv1.ResourceAttributes{Verb: "delete", Resource: "pods", Namespace: nsB}, false},
		{authorizationv1.ResourceAttributes{Verb: "create", Group: "kyverno.io", Resource: "policies", Namespace: nsA}, false},
		{authorizationv1.ResourceAttributes{Verb: "impersonate", Resource: "serviceaccounts"}, false},
		{authorizationv1.ResourceAttributes{Verb: "create", Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"}, false},
	} {
		deadline := time.Now().Add(10 * time.Second)
		var got bool
		for {
			attr := a.attr
			sar := must(cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User: policyReportsUser, Groups: saGroups, ResourceAttributes: &attr}}, metav1.CreateOptions{}))
			// The authorizer's cache may lag the bindings just applied:
			// wait for an allowed answer, never for a denial.
			if got = sar.Status.Allowed; got == a.allow || !a.allow || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if got != a.allow {
			t.Errorf("%s may %s %s/%s %s: %v, want %v", policyReportsSA, a.attr.Verb, a.attr.Group, a.attr.Resource, a.attr.Subresource, got, a.allow)
		}
	}

	// The CronJob's command line, run with a token of its ServiceAccount.
	cj := must(cs.BatchV1().CronJobs(policyReportsNS).Get(ctx, policyReportsSA, metav1.GetOptions{}))
	jobPod := cj.Spec.JobTemplate.Spec.Template.Spec
	if jobPod.ServiceAccountName != policyReportsSA || len(jobPod.Containers) != 1 {
		t.Fatalf("CronJob runs as %q with %d containers", jobPod.ServiceAccountName, len(jobPod.Containers))
	}
	args := jobPod.Containers[0].Args
	if !slices.Contains(args, "--apply") || !isSubsequence(args, "--format", "policyreport") || !isSubsequence(args, "--output", "/dev/null") {
		t.Fatalf("CronJob args %v: want --format policyreport --apply --output /dev/null", args)
	}
	kc := serviceAccountKubeconfig(t, ctx, cs, policyReportsNS, policyReportsSA)
	runCronJob := func() []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), "reports.yaml")
		run := slices.Clone(args)
		run[slices.Index(run, "/dev/null")] = out
		run = append(run, "--kubeconfig", kc)
		var stdout, stderr bytes.Buffer
		code := cli.Main(run, cli.IO{In: strings.NewReader(""), Out: &stdout, Err: &stderr, Getenv: func(string) string { return "" }})
		if code != report.ExitOK {
			t.Fatalf("kubestride %v as %s: exit %d, want 0; stderr:\n%s", run, policyReportsSA, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "kubestride: applied ") {
			t.Errorf("no word of the apply on stderr:\n%s", stderr.String())
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}

	written := runCronJob()
	first := readPolicyReports(t, ctx, dyn)
	checkReportsMatchScan(t, first, written, kc, nsA, nsB)
	if _, ok := first["/"+report.ClusterPolicyReportName]; !ok {
		t.Errorf("no ClusterPolicyReport %s", report.ClusterPolicyReportName)
	}
	if !hasResult(first[nsA+"/kubestride-"+nsA], "pss-privileged", "Deployment", "web") {
		t.Errorf("the report of %s has no pss-privileged fail on Deployment web", nsA)
	}
	if !hasResult(first[nsB+"/kubestride-"+nsB], "pss-host-namespaces", "Pod", "sniffer") {
		t.Errorf("the report of %s has no pss-host-namespaces fail on Pod sniffer", nsB)
	}
	if _, ok := first[nsA+"/kubestride-stale"]; ok {
		t.Error("kubestride's stale report was not deleted")
	}
	if _, ok := first[nsA+"/other-tool"]; !ok {
		t.Error("another tool's report was deleted")
	}

	// Fix the Deployment; the second run updates the reports in place.
	patch := []byte(`{"spec":{"template":{"spec":{"containers":[{"name":"app","securityContext":{"privileged":false}}]}}}}`)
	must(cs.AppsV1().Deployments(nsA).Patch(ctx, "web", types.StrategicMergePatchType, patch, metav1.PatchOptions{}))
	written = runCronJob()
	second := readPolicyReports(t, ctx, dyn)
	checkReportsMatchScan(t, second, written, kc, nsA, nsB)
	if hasResult(second[nsA+"/kubestride-"+nsA], "pss-privileged", "Deployment", "web") {
		t.Errorf("the report of %s still holds the fixed pss-privileged finding", nsA)
	}
	for key, p := range first {
		if !strings.HasPrefix(p.GetName(), "kubestride-") {
			continue
		}
		q, ok := second[key]
		if !ok {
			t.Errorf("report %s of the first run is gone after the second", key)
			continue
		}
		if q.GetUID() != p.GetUID() {
			t.Errorf("report %s was replaced (uid %s, then %s), not updated in place", key, p.GetUID(), q.GetUID())
		}
		managers := map[string]bool{}
		for _, m := range q.GetManagedFields() {
			managers[m.Manager+"/"+string(m.Operation)] = true
		}
		if !managers["kubestride/Apply"] {
			t.Errorf("report %s is not managed by kubestride's server-side apply: %v", key, managers)
		}
	}
}

// checkReportsMatchScan requires the reports the API server holds to be
// those the run wrote, and the fail results of each namespace's report to be
// that namespace's findings in the JSON report of the same scan.
func checkReportsMatchScan(t *testing.T, stored map[string]*unstructured.Unstructured, written []byte, kc string, namespaces ...string) {
	t.Helper()
	want := decodePolicyReportStream(t, written)
	for _, w := range want {
		key := w.Metadata.Namespace + "/" + w.Metadata.Name
		got, ok := stored[key]
		if !ok {
			t.Errorf("report %s was written but is not in the cluster", key)
			continue
		}
		var gotReport report.PolicyReport
		data := must(json.Marshal(map[string]any{"apiVersion": got.GetAPIVersion(), "kind": got.GetKind(),
			"metadata": map[string]any{"name": got.GetName(), "namespace": got.GetNamespace(), "labels": got.GetLabels()},
			"summary":  got.Object["summary"], "results": got.Object["results"]}))
		if err := json.Unmarshal(data, &gotReport); err != nil {
			t.Fatal(err)
		}
		if gotReport.Results == nil {
			gotReport.Results = []report.PolicyReportResult{}
		}
		if !jsonEqual(gotReport, w) {
			t.Errorf("report %s in the cluster differs from the one written:\n%s\nwant\n%s", key, must(json.Marshal(gotReport)), must(json.Marshal(w)))
		}
	}
	var kubestrideReports int
	for _, s := range stored {
		if s.GetLabels()["app.kubernetes.io/managed-by"] == "kubestride" {
			kubestrideReports++
		}
	}
	if kubestrideReports != len(want) {
		t.Errorf("the cluster holds %d reports of kubestride's, the run wrote %d", kubestrideReports, len(want))
	}

	r, stderr, code := kubestride(t, "scan", "--cluster", "--no-secrets", "--kubeconfig", kc, "-f", "json", "--fail-on", "none")
	if code != report.ExitOK {
		t.Fatalf("JSON scan: exit %d; stderr:\n%s", code, stderr)
	}
	for _, ns := range namespaces {
		var fromScan, fromReport []string
		for _, f := range r.Findings {
			if f.Suppressed == nil && f.SubjectKind() == "object" && f.Resource.Namespace == ns {
				fromScan = append(fromScan, strings.Join([]string{string(f.ID), f.Resource.Kind, f.Resource.Name, f.Severity.String(), f.Message}, " | "))
			}
		}
		p, ok := stored[ns+"/kubestride-"+ns]
		if !ok {
			t.Errorf("no PolicyReport kubestride-%s in %s", ns, ns)
			continue
		}
		results, _, _ := unstructured.NestedSlice(p.Object, "results")
		for _, x := range results {
			res := x.(map[string]any)
			if res["result"] != "fail" {
				continue
			}
			objs, _ := res["resources"].([]any)
			if len(objs) != 1 {
				t.Errorf("%s: result %v names %d objects, want 1", ns, res["policy"], len(objs))
				continue
			}
			o := objs[0].(map[string]any)
			fromReport = append(fromReport, strings.Join([]string{res["policy"].(string), o["kind"].(string), o["name"].(string), res["severity"].(string), res["message"].(string)}, " | "))
		}
		slices.Sort(fromScan)
		slices.Sort(fromReport)
		if len(fromScan) == 0 {
			t.Errorf("the scan found nothing in %s: nothing to compare", ns)
		}
		if !slices.Equal(fromScan, fromReport) {
			t.Errorf("%s: the PolicyReport's fail results\n  %s\nare not the scan's findings\n  %s", ns, strings.Join(fromReport, "\n  "), strings.Join(fromScan, "\n  "))
		}
	}
}

// readPolicyReports lists every PolicyReport and ClusterPolicyReport, by
// "namespace/name".
func readPolicyReports(t *testing.T, ctx context.Context, dyn dynamic.Interface) map[string]*unstructured.Unstructured {
	t.Helper()
	out := map[string]*unstructured.Unstructured{}
	for _, gvr := range []schema.GroupVersionResource{polrGVR, cpolrGVR} {
		list, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("list %s: %v", gvr.Resource, err)
		}
		for i := range list.Items {
			item := &list.Items[i]
			key := item.GetNamespace() + "/" + item.GetName()
			if _, dup := out[key]; dup {
				t.Errorf("report %s listed twice", key)
			}
			out[key] = item
		}
	}
	return out
}

func hasResult(p *unstructured.Unstructured, policy, kind, name string) bool {
	if p == nil {
		return false
	}
	results, _, _ := unstructured.NestedSlice(p.Object, "results")
	for _, x := range results {
		res := x.(map[string]any)
		objs, _ := res["resources"].([]any)
		if res["policy"] != policy || res["result"] != "fail" || len(objs) != 1 {
			continue
		}
		o := objs[0].(map[string]any)
		if o["kind"] == kind && o["name"] == name {
			return true
		}
	}
	return false
}

func policyReportObject(ns, name string, labels map[string]string) *unstructured.Unstructured {
	o := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
		"summary": map[string]any{"fail": int64(1)},
		"results": []any{map[string]any{"policy": "old", "result": "fail", "source": "x"}},
	}}
	o.SetNamespace(ns)
	o.SetName(name)
	o.SetLabels(labels)
	return o
}

func decodePolicyReportStream(t *testing.T, data []byte) []report.PolicyReport {
	t.Helper()
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []report.PolicyReport
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var p report.PolicyReport
		if err := yaml.UnmarshalStrict(doc, &p); err != nil {
			t.Fatalf("decode the written report: %v", err)
		}
		out = append(out, p)
	}
}

func jsonEqual(a, b any) bool {
	return bytes.Equal(must(json.Marshal(a)), must(json.Marshal(b)))
}

// serviceAccountKubeconfig writes a kubeconfig that authenticates with a
// TokenRequest token of the ServiceAccount, as the CronJob's pod would.
func serviceAccountKubeconfig(t *testing.T, ctx context.Context, cs kubernetes.Interface, ns, name string) string {
	t.Helper()
	tr := must(cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, name, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr(int64(3600))}}, metav1.CreateOptions{}))
	cfg := testcluster.Shared.Config("admin")
	kc := clientcmdapi.NewConfig()
	kc.Clusters["e2e"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthority: cfg.TLSClientConfig.CAFile}
	kc.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	kc.Contexts[name] = &clientcmdapi.Context{Cluster: "e2e", AuthInfo: name}
	kc.CurrentContext = name
	file := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, file); err != nil {
		t.Fatal(err)
	}
	return file
}

// isSubsequence reports whether args holds flag immediately followed by
// value.
func isSubsequence(args []string, flag, value string) bool {
	i := slices.Index(args, flag)
	return i >= 0 && i+1 < len(args) && args[i+1] == value
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
