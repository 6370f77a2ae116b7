package checks

// Monitoring and alerting on API server requests is how an operator sees a
// request flood, a misbehaving controller or a credential-guessing run
// before the API server falls over. In a cluster monitored with the
// Prometheus Operator that takes a ServiceMonitor (or PodMonitor) scraping
// the API server and a PrometheusRule alerting on its metrics.
//
// Inspected objects: the kubernetes Service of the default namespace (the
// subject, whose endpoints are the API servers), the API server's static
// pods (kube-system, label component: kube-apiserver) and the Services
// selecting them, and the ServiceMonitor, PodMonitor, PrometheusRule and
// Prometheus objects (monitoring.coreos.com, read from their JSON) of every
// namespace.
// Allowed values: a monitor that selects the kubernetes Service, a Service
// in front of the API server's pods, or the pods; and an alerting rule whose
// expression reads an apiserver_ metric or a job whose name holds
// "apiserver" (kube-prometheus's KubeAPIDown reads up{job="apiserver"});
// where the scan holds Prometheus objects, one of them must pick the monitor
// and the rule up (see monitoring.go).
//
// Only a live cluster (scan --cluster, without -n) shows this: a set of
// manifests without monitors says nothing of the cluster's, so the check is
// not evaluated there, nor when the Prometheus Operator's resources are not
// installed or could not be listed (the report says which). Monitoring done
// outside the Prometheus Operator (a Prometheus configured by file, a
// cloud provider's control-plane metrics) is not visible to the check;
// suppress it then.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:           "apiserver-monitoring-missing",
			Title:        "API server requests not monitored",
			Category:     check.DenialOfService,
			Topic:        check.TopicCluster,
			Severity:     check.Medium,
			NeedsCluster: true,
			Description:  "No Prometheus Operator ServiceMonitor or PodMonitor scrapes the API server, or no PrometheusRule alerts on its metrics, so a flood of requests, a runaway controller or a burst of failed authentications goes unnoticed until the API server stops answering. kubestride cannot see monitoring done outside the Prometheus Operator.",
			Remediation:  "Scrape the API server with a ServiceMonitor selecting the kubernetes Service of the default namespace (kube-prometheus's kube-apiserver) and alert on its request rate, errors and latency with a PrometheusRule (kube-prometheus's kube-apiserver rules).",
			References:   []string{refClusterMonitoring, refPrometheusOperator, refKubePrometheus},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			pods := componentPods(inv, apiserverComponent)
			for i := range inv.Services {
				if svc := &inv.Services[i]; svc.Namespace() == "default" && svc.Name() == "kubernetes" {
					return monitoringMissing(inv, apiserverComponent, svc.Object, "metadata.labels", pods, svc)
				}
			}
			if len(pods) > 0 {
				return monitoringMissing(inv, apiserverComponent, pods[0].Object, fieldpath.Join(pods[0].MetaPath, "labels"), pods, nil)
			}
			return nil
		},
	})
}
