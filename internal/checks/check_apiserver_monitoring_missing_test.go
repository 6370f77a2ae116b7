package checks

import "testing"

func TestAPIServerMonitoringMissing(t *testing.T) {
	const svc = "---\napiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: default, labels: {component: apiserver, provider: kubernetes}}\nspec: {ports: [{name: https, port: 443}]}\n"
	const pod = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver-cp1, namespace: kube-system, labels: {component: kube-apiserver, tier: control-plane}}\nspec: {containers: [{name: kube-apiserver, image: registry.k8s.io/kube-apiserver:v1.37.2}]}\n"
	sm := func(ns, spec string) string {
		return "---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: api, namespace: " + ns + "}\nspec: " + spec + "\n"
	}
	rule := func(alert, expr string) string {
		return "---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: rules, namespace: monitoring}\nspec: {groups: [{name: g, rules: [{alert: " + alert + ", expr: " + expr + "}]}]}\n"
	}
	scraped := sm("monitoring", "{namespaceSelector: {matchNames: [default]}, selector: {matchLabels: {component: apiserver}}}")
	alerted := rule("KubeAPIDown", `'absent(up{job="apiserver"} == 1)'`)
	missing := func(object, path, what string) finding {
		return finding{Object: object, Path: path, Reason: "control plane not monitored",
			Detail: "requests to the API server must be scraped by a ServiceMonitor or PodMonitor and alerted on by a PrometheusRule (" + what + ")"}
	}
	const noScrape = "no ServiceMonitor or PodMonitor selects it"
	const noAlert = "no PrometheusRule alert reads its apiserver_* metrics or its scrape job"
	runCases(t, "apiserver-monitoring-missing", []checkCase{{
		name: "nothing to judge without the API server's Service or pods",
	}, {
		name:     "scraped and alerted on",
		manifest: svc + scraped + alerted,
	}, {
		name:     "a job whose name holds apiserver",
		manifest: svc + scraped + rule("APIDown", `'up{job="kube-apiserver"} == 0'`),
	}, {
		name:     "a regular-expression job matcher",
		manifest: svc + scraped + rule("APIDown", `'up{job=~".*apiserver.*"} == 0'`),
	}, {
		name:     "apiserver_ in a label value names no metric",
		manifest: svc + scraped + rule("Other", `'up{job="node", instance="apiserver_1"} == 0'`),
		want:     []finding{missing("Service default/kubernetes", "metadata.labels", noAlert)},
	}, {
		name:     "an alert on another component",
		manifest: svc + scraped + rule("NodeDown", `'up{job="node-exporter"} == 0'`),
		want:     []finding{missing("Service default/kubernetes", "metadata.labels", noAlert)},
	}, {
		name:     "an expression that is not a string",
		manifest: svc + scraped + rule("Always", "1"),
		want:     []finding{missing("Service default/kubernetes", "metadata.labels", noAlert)},
	}, {
		name:     "an empty selector in every namespace selects it",
		manifest: svc + sm("monitoring", "{namespaceSelector: {any: true}, selector: {}}") + alerted,
	}, {
		name:     "the labels do not match",
		manifest: svc + sm("monitoring", "{namespaceSelector: {matchNames: [default]}, selector: {matchLabels: {component: kube-apiserver}}}") + alerted,
		want:     []finding{missing("Service default/kubernetes", "metadata.labels", noScrape)},
	}, {
		name:     "an invalid selector selects nothing",
		manifest: svc + sm("monitoring", "{namespaceSelector: {any: true}, selector: {matchExpressions: [{key: component, operator: Bogus}]}}") + alerted,
		want:     []finding{missing("Service default/kubernetes", "metadata.labels", noScrape)},
	}, {
		name:     "a monitor of its own namespace",
		manifest: svc + sm("default", "{selector: {matchLabels: {provider: kubernetes}}}") + alerted,
	}, {
		name: "a Service in front of the static pods",
		manifest: pod + "---\napiVersion: v1\nkind: Service\nmetadata: {name: apiserver-metrics, namespace: kube-system, labels: {scrape: apiserver}}\nspec: {selector: {component: kube-apiserver}, ports: [{port: 6443}]}\n" +
			sm("monitoring", "{namespaceSelector: {matchNames: [kube-system]}, selector: {matchLabels: {scrape: apiserver}}}") + alerted,
	}, {
		name:     "the pods without the kubernetes Service are the subject",
		manifest: pod,
		want:     []finding{missing("Pod kube-system/kube-apiserver-cp1", "metadata.labels", noScrape+"; "+noAlert)},
	}})
}
