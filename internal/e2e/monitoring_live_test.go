package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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

	// A namespace scan lists neither the API server's Service nor the
	// other namespaces' monitors.
	junit, _ = kubestrideOut(t, scan("junit", "-n", monitoringNS)...)
	if !skippedWith(junit, "apiserver-monitoring-missing", "a namespace scan does not list the API server") {
		t.Errorf("namespace scan: apiserver-monitoring-missing is not reported not evaluated:\n%s", junit)
	}
}
