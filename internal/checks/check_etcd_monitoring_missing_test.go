package checks

import "testing"

func TestEtcdMonitoringMissing(t *testing.T) {
	member := func(name, node string) string {
		return "---\napiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: kube-system, labels: {component: etcd, tier: control-plane, node: " + node + "}}\nspec: {containers: [{name: etcd, image: registry.k8s.io/etcd:3.6.5-0}]}\n"
	}
	podMonitor := func(selector string) string {
		return "---\napiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: etcd, namespace: monitoring}\nspec: {namespaceSelector: {matchNames: [kube-system]}, selector: " + selector + "}\n"
	}
	const alert = "---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: etcd, namespace: monitoring}\nspec: {groups: [{name: etcd, rules: [{alert: etcdNoLeader, expr: 'etcd_server_has_leader == 0'}]}]}\n"
	missing := func(pod, what string) finding {
		return finding{Object: "Pod kube-system/" + pod, Path: "metadata.labels", Reason: "control plane not monitored",
			Detail: "requests to etcd must be scraped by a ServiceMonitor or PodMonitor and alerted on by a PrometheusRule (" + what + ")"}
	}
	const noScrape = "no ServiceMonitor or PodMonitor selects it"
	runCases(t, "etcd-monitoring-missing", []checkCase{{
		name:     "each member scraped, alerted on",
		manifest: member("etcd-cp1", "cp1") + member("etcd-cp2", "cp2") + podMonitor("{matchLabels: {component: etcd}}") + alert,
	}, {
		name:     "each member judged on its own",
		manifest: member("etcd-cp1", "cp1") + member("etcd-cp2", "cp2") + podMonitor("{matchLabels: {component: etcd, node: cp1}}") + alert,
		want:     []finding{missing("etcd-cp2", noScrape)},
	}, {
		name:     "a job matcher naming etcd",
		manifest: member("etcd-cp1", "cp1") + podMonitor("{matchLabels: {component: etcd}}") + "---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: up, namespace: monitoring}\nspec: {groups: [{name: up, rules: [{alert: EtcdDown, expr: 'up{job=\"kube-etcd\"} == 0'}]}]}\n",
	}, {
		name:     "etcd pods elsewhere than kube-system are not the control plane's",
		manifest: "---\napiVersion: v1\nkind: Pod\nmetadata: {name: etcd-0, namespace: apps, labels: {component: etcd}}\nspec: {containers: [{name: etcd, image: quay.io/coreos/etcd:v3.6.5}]}\n",
	}, {
		name:     "the apiserver's metrics do not alert on etcd",
		manifest: member("etcd-cp1", "cp1") + podMonitor("{matchLabels: {component: etcd}}") + "---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: api, namespace: monitoring}\nspec: {groups: [{name: api, rules: [{alert: KubeAPIDown, expr: 'absent(up{job=\"apiserver\"} == 1)'}]}]}\n",
		want:     []finding{missing("etcd-cp1", "no PrometheusRule alert reads its etcd_* metrics or its scrape job")},
	}})
}
