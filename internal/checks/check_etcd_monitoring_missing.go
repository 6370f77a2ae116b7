package checks

// etcd holds the whole state of the cluster; a member that loses its
// leader, runs out of space or slows down under a flood of requests takes
// the API server with it. Monitoring and alerting on requests to etcd
// means, with the Prometheus Operator, a ServiceMonitor or PodMonitor
// scraping the members and a PrometheusRule alerting on their metrics.
//
// Inspected objects: the etcd static pods (kube-system, label component:
// etcd), each a subject; the Services selecting them; and the
// ServiceMonitor, PodMonitor, PrometheusRule and Prometheus objects
// (monitoring.coreos.com, read from their JSON) of every namespace.
// Allowed values: a monitor that selects the member's pod or a Service in
// front of it; and an alerting rule whose expression reads an etcd_ metric
// or a job whose name holds "etcd" (etcd's own etcdNoLeader reads
// etcd_server_has_leader).
//
// A cluster whose etcd runs outside it (a managed control plane, etcd on
// hosts of its own) shows no etcd pod, and the check finds nothing to
// judge. Only a live cluster (scan --cluster, without -n) shows this; see
// apiserver-monitoring-missing for when it is not evaluated.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:           "etcd-monitoring-missing",
			Title:        "etcd requests not monitored",
			Category:     check.DenialOfService,
			Topic:        check.TopicCluster,
			Severity:     check.Medium,
			NeedsCluster: true,
			Description:  "No Prometheus Operator ServiceMonitor or PodMonitor scrapes an etcd member running in the cluster, or no PrometheusRule alerts on etcd's metrics, so a lost leader, a full database or a request flood that stalls etcd goes unnoticed until the API server fails. kubestride cannot see monitoring done outside the Prometheus Operator.",
			Remediation:  "Scrape each etcd member's metrics endpoint (--listen-metrics-urls, kept on a protected address) with a ServiceMonitor or PodMonitor, and alert on leader changes, proposal failures, database size and request latency with a PrometheusRule (etcd's published alerting rules).",
			References:   []string{refEtcdMonitoring, refPrometheusOperator, refKubePrometheus},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			pods := componentPods(inv, etcdComponent)
			var out []check.Finding
			for _, p := range pods {
				out = append(out, monitoringMissing(inv, etcdComponent, p.Object, fieldpath.Join(p.MetaPath, "labels"), []*inventory.Workload{p}, nil)...)
			}
			return out
		},
	})
}
