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

// TestAPIServerMonitoringPrometheusPickup: where the scan holds Prometheus
// objects, a monitor or rule counts only if one of them picks it up.
func TestAPIServerMonitoringPrometheusPickup(t *testing.T) {
	const svc = "---\napiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: default, labels: {component: apiserver, provider: kubernetes}}\nspec: {ports: [{name: https, port: 443}]}\n"
	sm := func(ns, labels string) string {
		return "---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: api, namespace: " + ns + ", labels: " + labels + "}\nspec: {namespaceSelector: {matchNames: [default]}, selector: {matchLabels: {component: apiserver}}}\n"
	}
	rule := func(ns, labels string) string {
		return "---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: rules, namespace: " + ns + ", labels: " + labels + "}\nspec: {groups: [{name: g, rules: [{alert: KubeAPIDown, expr: 'absent(up{job=\"apiserver\"} == 1)'}]}]}\n"
	}
	prometheus := func(spec string) string {
		return "---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\nspec: " + spec + "\n"
	}
	ns := func(name, labels string) string {
		return "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: " + labels + "}\n"
	}
	// kube-prometheus-stack's Prometheus picks up the monitors and rules
	// labelled with its release.
	const release = "{serviceMonitorSelector: {matchLabels: {release: prom}}, serviceMonitorNamespaceSelector: {}, ruleSelector: {matchLabels: {release: prom}}, ruleNamespaceSelector: {}}"
	missing := func(what string) finding {
		return finding{Object: "Service default/kubernetes", Path: "metadata.labels", Reason: "control plane not monitored",
			Detail: "requests to the API server must be scraped by a ServiceMonitor or PodMonitor and alerted on by a PrometheusRule (" + what + ")"}
	}
	const unpickedMonitor = "ServiceMonitor monitoring/api selects it, but no Prometheus picks that monitor up (serviceMonitorSelector or podMonitorSelector, and their namespace selectors)"
	const unpickedRule = "PrometheusRule monitoring/rules alert KubeAPIDown reads its metrics, but no Prometheus picks that rule up (ruleSelector, ruleNamespaceSelector)"
	runCases(t, "apiserver-monitoring-missing", []checkCase{{
		name:     "no Prometheus object: every monitor and rule counts",
		manifest: svc + sm("monitoring", "{}") + rule("monitoring", "{}"),
	}, {
		name:     "labelled with the release",
		manifest: svc + prometheus(release) + sm("monitoring", "{release: prom}") + rule("monitoring", "{release: prom}"),
	}, {
		name:     "without the release label",
		manifest: svc + prometheus(release) + sm("monitoring", "{app: api}") + rule("monitoring", "{}"),
		want:     []finding{missing(unpickedMonitor + "; " + unpickedRule)},
	}, {
		name:     "a Prometheus without selectors picks nothing up",
		manifest: svc + prometheus("{replicas: 2}") + sm("monitoring", "{release: prom}") + rule("monitoring", "{release: prom}"),
		want:     []finding{missing(unpickedMonitor + "; " + unpickedRule)},
	}, {
		name:     "empty selectors without namespace selectors: its own namespace only",
		manifest: svc + prometheus("{serviceMonitorSelector: {}, ruleSelector: {}}") + sm("monitoring", "{}") + rule("team", "{}"),
		want:     []finding{missing("PrometheusRule team/rules alert KubeAPIDown reads its metrics, but no Prometheus picks that rule up (ruleSelector, ruleNamespaceSelector)")},
	}, {
		name: "namespace selectors read the namespaces' labels",
		manifest: svc + ns("team", "{monitoring: enabled}") + ns("other", "{}") +
			prometheus("{serviceMonitorSelector: {}, serviceMonitorNamespaceSelector: {matchLabels: {monitoring: enabled}}, ruleSelector: {}, ruleNamespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}}") +
			sm("team", "{}") + rule("other", "{}"),
	}, {
		name:     "one Prometheus of two picks it up",
		manifest: svc + prometheus("{}") + "---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: platform, namespace: platform}\nspec: " + release + "\n" + sm("monitoring", "{release: prom}") + rule("monitoring", "{release: prom}"),
	}})
}
