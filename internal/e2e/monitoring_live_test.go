package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/testcluster"
)

const monitoringNS = "e2e-monitoring"

// monitoringFindings are a report's findings of apiserver-monitoring-missing
// (or of the check id given), as "kind namespace/name: message".
func monitoringFindings(r *report.Report, id ...check.ID) []string {
	want := check.ID("apiserver-monitoring-missing")
	if len(id) > 0 {
		want = id[0]
	}
	var out []string
	for _, f := range r.Findings {
		if f.ID == want {
			out = append(out, f.Resource.Kind+" "+f.Resource.Namespace+"/"+f.Resource.Name+": "+f.Message)
		}
	}
	return out
}

// TestAPIServerMonitoringLive: on the real API server, whose kubernetes
// Service carries the labels the API server gives it, a cluster-wide scan
// reports apiserver-monitoring-missing not evaluated while the Prometheus
// Operator's CRDs are not installed; with them installed and no monitor it
// finds the API server unmonitored; with kube-prometheus's ServiceMonitor
// and an alerting rule it finds nothing. A namespace scan does not
// evaluate it, and says why.
func TestAPIServerMonitoringLive(t *testing.T) {
	ctx := context.Background()
	cfg := testcluster.Shared.Config("admin")
	kc := testcluster.Shared.Kubeconfig
	if err := testcluster.Shared.Namespace(ctx, monitoringNS, nil); err != nil {
		t.Fatal(err)
	}
	scan := func(format string, args ...string) []string {
		return append([]string{"scan", "--cluster", "--kubeconfig", kc, "--context", "admin", "--check", "apiserver-monitoring-missing,etcd-monitoring-missing", "-f", format}, args...)
	}

	// Not installed.
	junit, _ := kubestrideOut(t, scan("junit")...)
	if !skippedWith(junit, "apiserver-monitoring-missing", "servicemonitors.monitoring.coreos.com not installed") {
		t.Errorf("without the CRDs: apiserver-monitoring-missing is not reported not evaluated as not installed:\n%s", junit)
	}

	installCRDs(t, "monitoring-crds.yaml")

	// Installed, nothing monitors the API server.
	r, stderr, code := kubestride(t, scan("json")...)
	if code == report.ExitError {
		t.Fatalf("scan with the CRDs: exit code %d; stderr:\n%s", code, stderr)
	}
	want := []string{"Service default/kubernetes: requests to the API server must be scraped by a ServiceMonitor or PodMonitor and alerted on by a PrometheusRule (no ServiceMonitor or PodMonitor selects it; no PrometheusRule alert reads its apiserver_* metrics or its scrape job)"}
	if got := monitoringFindings(r); !slices.Equal(got, want) {
		t.Errorf("no monitors: findings\n%q\nwant\n%q", got, want)
	}
	for _, f := range r.Findings {
		if f.ID == "etcd-monitoring-missing" {
			t.Errorf("etcd runs outside the cluster here, yet: %s", f.Message)
		}
	}
	junit, _ = kubestrideOut(t, scan("junit")...)
	if strings.Contains(junit, `classname="apiserver-monitoring-missing">`+"\n      <skipped") {
		t.Errorf("apiserver-monitoring-missing is still reported not evaluated with its resources listed:\n%s", junit)
	}

	// kube-prometheus's configuration.
	objects, err := os.ReadFile(filepath.Join("testdata", "monitoring-objects.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := applyServerSide(ctx, cfg, objects); err != nil {
		t.Fatalf("create the monitors: %v", err)
	}
	r, stderr, code = kubestride(t, scan("json")...)
	if code == report.ExitError {
		t.Fatalf("scan with the monitors: exit code %d; stderr:\n%s", code, stderr)
	}
	if got := monitoringFindings(r); len(got) != 0 {
		t.Errorf("with kube-prometheus's ServiceMonitor and rule: %q", got)
	}
	if r.Coverage.Listed["servicemonitors.monitoring.coreos.com"] < 1 || r.Coverage.Listed["prometheusrules.monitoring.coreos.com"] < 1 {
		t.Errorf("coverage.listed = %v", r.Coverage.Listed)
	}

	// A Prometheus that picks up only the monitors and rules labelled with
	// its release (kube-prometheus-stack's default) leaves kube-prometheus's
	// unlabelled ones unread; one that picks up all of them reads them.
	prometheus := func(spec string) []byte {
		return []byte("apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: " + monitoringNS + "}\nspec: " + spec + "\n")
	}
	if err := applyServerSide(ctx, cfg, prometheus("{serviceMonitorSelector: {matchLabels: {release: prom}}, serviceMonitorNamespaceSelector: {}, ruleSelector: {matchLabels: {release: prom}}, ruleNamespaceSelector: {}}")); err != nil {
		t.Fatalf("create the Prometheus: %v", err)
	}
	r, stderr, code = kubestride(t, scan("json")...)
	if code == report.ExitError {
		t.Fatalf("scan with a Prometheus: exit code %d; stderr:\n%s", code, stderr)
	}
	want = []string{"Service default/kubernetes: requests to the API server must be scraped by a ServiceMonitor or PodMonitor and alerted on by a PrometheusRule (ServiceMonitor " + monitoringNS + "/kube-apiserver selects it, but no Prometheus picks that monitor up (serviceMonitorSelector or podMonitorSelector, and their namespace selectors); PrometheusRule " + monitoringNS + "/kubernetes-monitoring-rules alert KubeAPIDown reads its metrics, but no Prometheus picks that rule up (ruleSelector, ruleNamespaceSelector))"}
	if got := monitoringFindings(r); !slices.Equal(got, want) {
		t.Errorf("a Prometheus picking up other monitors: findings\n%q\nwant\n%q", got, want)
	}
	// Replaced, not applied over: server-side apply would merge the old
	// selectors into the new ones.
	prometheuses := schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: "prometheuses"}
	if err := must(dynamic.NewForConfig(cfg)).Resource(prometheuses).Namespace(monitoringNS).Delete(ctx, "k8s", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete the Prometheus: %v", err)
	}
	if err := applyServerSide(ctx, cfg, prometheus("{serviceMonitorSelector: {}, podMonitorSelector: {}, ruleSelector: {}}")); err != nil {
		t.Fatalf("update the Prometheus: %v", err)
	}
	r, _, _ = kubestride(t, scan("json")...)
	if got := monitoringFindings(r); len(got) != 0 {
		t.Errorf("a Prometheus picking up every monitor and rule of its namespace: %q", got)
	}

	// An etcd member running as a static pod (its mirror pod, here without
	// a node to run on): unmonitored, then scraped by a PodMonitor and
	// alerted on with etcd's rules.
	cs := must(kubernetes.NewForConfig(cfg))
	if _, err := cs.CoreV1().ServiceAccounts("kube-system").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	etcd := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "etcd-e2e", Namespace: "kube-system", Labels: map[string]string{"component": "etcd", "tier": "control-plane"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "etcd", Image: "registry.k8s.io/etcd:3.6.5-0", Command: []string{"etcd", "--listen-metrics-urls=http://127.0.0.1:2381"}}}},
	}
	if _, err := cs.CoreV1().Pods("kube-system").Create(ctx, etcd, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create the etcd pod: %v", err)
	}
	t.Cleanup(func() {
		_ = cs.CoreV1().Pods("kube-system").Delete(ctx, etcd.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))})
	})
	r, _, _ = kubestride(t, scan("json")...)
	wantEtcd := []string{"Pod kube-system/etcd-e2e: requests to etcd must be scraped by a ServiceMonitor or PodMonitor and alerted on by a PrometheusRule (no ServiceMonitor or PodMonitor selects it; no PrometheusRule alert reads its etcd_* metrics or its scrape job)"}
	if got := monitoringFindings(r, "etcd-monitoring-missing"); !slices.Equal(got, wantEtcd) {
		t.Errorf("an unmonitored etcd member: findings\n%q\nwant\n%q", got, wantEtcd)
	}
	etcdMonitoring := "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: etcd, namespace: " + monitoringNS + "}\nspec: {namespaceSelector: {matchNames: [kube-system]}, selector: {matchLabels: {component: etcd}}, podMetricsEndpoints: [{port: metrics}]}\n" +
		"---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: etcd, namespace: " + monitoringNS + "}\nspec: {groups: [{name: etcd, rules: [{alert: etcdNoLeader, expr: 'etcd_server_has_leader{job=~\".*etcd.*\"} == 0', for: 1m}]}]}\n"
	if err := applyServerSide(ctx, cfg, []byte(etcdMonitoring)); err != nil {
		t.Fatalf("monitor etcd: %v", err)
	}
	r, _, _ = kubestride(t, scan("json")...)
	if got := monitoringFindings(r, "etcd-monitoring-missing"); len(got) != 0 {
		t.Errorf("a monitored etcd member: %q", got)
	}

	// A namespace scan lists neither the API server's Service nor the
	// other namespaces' monitors.
	junit, _ = kubestrideOut(t, scan("junit", "-n", monitoringNS)...)
	if !skippedWith(junit, "apiserver-monitoring-missing", "a namespace scan does not list the API server") {
		t.Errorf("namespace scan: apiserver-monitoring-missing is not reported not evaluated:\n%s", junit)
	}
}
