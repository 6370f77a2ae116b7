package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"

	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/testcluster"
)

const monitoringNS = "e2e-monitoring"

// monitoringFindings are a report's findings of apiserver-monitoring-missing,
// as "kind namespace/name: message".
func monitoringFindings(r *report.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if f.ID == "apiserver-monitoring-missing" {
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
	dyn := must(dynamic.NewForConfig(cfg))
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

	crds, err := os.ReadFile(filepath.Join("testdata", "monitoring-crds.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"servicemonitors.monitoring.coreos.com", "podmonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"}
	t.Cleanup(func() {
		for _, n := range names {
			_ = dyn.Resource(crdGVR).Delete(ctx, n, metav1.DeleteOptions{})
		}
		dc := must(discovery.NewDiscoveryClientForConfig(cfg))
		waitFor(t, "the monitoring CRDs to be removed", func() bool {
			groups, err := dc.ServerGroups()
			return err == nil && !slices.ContainsFunc(groups.Groups, func(g metav1.APIGroup) bool { return g.Name == "monitoring.coreos.com" })
		})
	})
	if err := applyServerSide(ctx, cfg, crds); err != nil {
		t.Fatalf("install the monitoring CRDs: %v", err)
	}
	waitFor(t, "the monitoring CRDs to be served", func() bool {
		for _, r := range []string{"servicemonitors", "podmonitors", "prometheusrules"} {
			if _, err := dyn.Resource(schema.GroupVersionResource{Group: "monitoring.coreos.com", Version: "v1", Resource: r}).List(ctx, metav1.ListOptions{}); err != nil {
				return false
			}
		}
		return true
	})

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

	// A namespace scan lists neither the API server's Service nor the
	// other namespaces' monitors.
	junit, _ = kubestrideOut(t, scan("junit", "-n", monitoringNS)...)
	if !skippedWith(junit, "apiserver-monitoring-missing", "a namespace scan does not list the API server") {
		t.Errorf("namespace scan: apiserver-monitoring-missing is not reported not evaluated:\n%s", junit)
	}
}
