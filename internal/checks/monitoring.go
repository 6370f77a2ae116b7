package checks

// What the control-plane monitoring checks share: reading the Prometheus
// Operator's ServiceMonitor, PodMonitor and PrometheusRule objects from
// their JSON (their kinds are not built in, so they arrive as
// object.Object.Raw), finding which of them scrape a control-plane
// component, and which alerting rules read its metrics.
//
// A ServiceMonitor scrapes the Services its selector matches in the
// namespaces its namespaceSelector names (any: true for all; none given:
// its own namespace); a PodMonitor does the same for pods. A component is
// scraped when a monitor selects its pods, or a Service that is the
// component's (the kubernetes Service of the default namespace for the API
// server) or whose selector picks the component's pods (so a Service of
// kube-system, where they run: a scan's summary keeps only those Services,
// see inventory.AddSummary).
//
// A monitor or rule nothing picks up does nothing: when the scan holds
// Prometheus objects, a monitor counts only if one of them selects it
// (serviceMonitorSelector or podMonitorSelector, which select nothing when
// unset, and the matching namespace selector, which means the Prometheus's
// own namespace when unset), and a rule only if one selects it
// (ruleSelector, ruleNamespaceSelector). A scan without Prometheus objects
// takes every monitor and rule as picked up: another agent (a Prometheus
// agent, an OpenTelemetry collector) may read them.

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

const (
	refPrometheusOperator = "https://prometheus-operator.dev/docs/api-reference/api/"
	refKubePrometheus     = "https://github.com/prometheus-operator/kube-prometheus"
	refClusterMonitoring  = "https://kubernetes.io/docs/concepts/cluster-administration/system-metrics/"
	refEtcdMonitoring     = "https://etcd.io/docs/v3.5/op-guide/monitoring/"
)

// controlPlaneComponent is a component whose monitoring the checks judge.
type controlPlaneComponent struct {
	// name is how messages name it: "the API server".
	name string
	// label is the value of the component label on its static pods
	// (kubeadm's component: kube-apiserver).
	label string
	// metrics is the prefix of its metric names, and job a word its scrape
	// job's name holds; an alerting rule whose expression reads either is
	// about the component. metric finds a metric name with the prefix.
	metrics, job string
	metric       *regexp.Regexp
}

// newComponent returns the component, its metric pattern compiled.
func newComponent(name, label, metrics, job string) controlPlaneComponent {
	return controlPlaneComponent{name: name, label: label, metrics: metrics, job: job,
		metric: regexp.MustCompile(`(^|[^a-zA-Z0-9_:])` + regexp.QuoteMeta(metrics) + `[a-zA-Z0-9_:]`)}
}

var (
	apiserverComponent = newComponent("the API server", "kube-apiserver", "apiserver_", "apiserver")
	etcdComponent      = newComponent("etcd", "etcd", "etcd_", "etcd")
)

// monitor is what the checks read of a ServiceMonitor or PodMonitor.
type monitor struct {
	Spec struct {
		Selector          metav1.LabelSelector `json:"selector"`
		NamespaceSelector struct {
			Any        bool     `json:"any"`
			MatchNames []string `json:"matchNames"`
		} `json:"namespaceSelector"`
	} `json:"spec"`
}

// prometheusRule is what the checks read of a PrometheusRule.
type prometheusRule struct {
	Spec struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert string `json:"alert"`
				Expr  any    `json:"expr"` // a string, or an int-or-string
			} `json:"rules"`
		} `json:"groups"`
	} `json:"spec"`
}

// monitorTarget is a ServiceMonitor's or PodMonitor's reach: which
// namespaces, which labels.
type monitorTarget struct {
	obj        *object.Object
	any        bool
	namespaces []string
	selector   labels.Selector
}

func (m monitorTarget) selects(namespace string, l map[string]string) bool {
	if !m.any && !slices.Contains(m.namespaces, namespace) {
		return false
	}
	return m.selector.Matches(labels.Set(l))
}

// monitoring is the monitoring configuration of the scan.
type monitoring struct {
	services, pods []monitorTarget
	// prometheuses say which monitors and rules are picked up.
	prometheuses *prometheuses
	// alerts are the expressions of the alerting rules, each with the
	// PrometheusRule and alert it comes from.
	alerts []alertRule
}

type alertRule struct {
	obj               *object.Object
	from, alert, expr string
}

// prometheusSpec is what the checks read of a Prometheus: which monitors
// and rules it picks up.
type prometheusSpec struct {
	Spec struct {
		ServiceMonitorSelector          *metav1.LabelSelector `json:"serviceMonitorSelector"`
		ServiceMonitorNamespaceSelector *metav1.LabelSelector `json:"serviceMonitorNamespaceSelector"`
		PodMonitorSelector              *metav1.LabelSelector `json:"podMonitorSelector"`
		PodMonitorNamespaceSelector     *metav1.LabelSelector `json:"podMonitorNamespaceSelector"`
		RuleSelector                    *metav1.LabelSelector `json:"ruleSelector"`
		RuleNamespaceSelector           *metav1.LabelSelector `json:"ruleNamespaceSelector"`
	} `json:"spec"`
}

// pickup is one of a Prometheus's selections: of objects by their labels
// (nil: none) and of their namespaces by the namespaces' labels (nil: the
// Prometheus's own namespace).
type pickup struct {
	objects, namespaces labels.Selector
	own                 string
}

func newPickup(objects, namespaces *metav1.LabelSelector, own string) pickup {
	p := pickup{own: own}
	if objects != nil {
		if sel, err := metav1.LabelSelectorAsSelector(objects); err == nil {
			p.objects = sel
		}
	}
	if namespaces != nil {
		if sel, err := metav1.LabelSelectorAsSelector(namespaces); err == nil {
			p.namespaces = sel
		} else {
			p.namespaces = labels.Nothing()
		}
	}
	return p
}

// picks reports whether the selection takes obj, given the labels of the
// scan's namespaces.
func (p pickup) picks(obj *object.Object, nsLabels map[string]map[string]string) bool {
	if p.objects == nil || !p.objects.Matches(labels.Set(obj.Meta.Labels)) {
		return false
	}
	if p.namespaces == nil {
		return obj.Namespace() == p.own
	}
	// The API server labels every namespace with its name; of a namespace
	// the scan does not hold, that is all that is known.
	l := labels.Set{corev1.LabelMetadataName: obj.Namespace()}
	for k, v := range nsLabels[obj.Namespace()] {
		if k != corev1.LabelMetadataName {
			l[k] = v
		}
	}
	return p.namespaces.Matches(l)
}

// prometheuses are the scan's Prometheus objects' selections.
type prometheuses struct {
	serviceMonitors, podMonitors, rules []pickup
	nsLabels                            map[string]map[string]string
}

// picks reports whether some Prometheus of the scan picks obj up (or, the
// scan holding none, true).
func (ps *prometheuses) picks(obj *object.Object) bool {
	var sel []pickup
	switch obj.Kind {
	case "ServiceMonitor":
		sel = ps.serviceMonitors
	case "PodMonitor":
		sel = ps.podMonitors
	default:
		sel = ps.rules
	}
	if len(sel) == 0 {
		return true
	}
	for _, p := range sel {
		if p.picks(obj, ps.nsLabels) {
			return true
		}
	}
	return false
}

type monitoringKey struct{}

// monitoringConfig reads the scan's ServiceMonitors, PodMonitors and
// PrometheusRules; one whose spec does not decode, or whose selector is
// not a valid label selector (the API server's schema or the operator
// would refuse it), selects nothing.
func monitoringConfig(inv *inventory.Inventory) *monitoring {
	return inv.Derived(monitoringKey{}, func(inv *inventory.Inventory) any {
		m := &monitoring{}
		ps := &prometheuses{nsLabels: map[string]map[string]string{}}
		for _, ns := range inv.Namespaces {
			ps.nsLabels[ns.Name()] = ns.Value.Labels
		}
		m.prometheuses = ps
		for _, obj := range inv.Objects {
			if inventory.IsMonitoringConfig(obj) && obj.Kind == "Prometheus" && len(obj.Raw) > 0 {
				var p prometheusSpec
				if json.Unmarshal(obj.Raw, &p) != nil {
					continue
				}
				own := obj.Namespace()
				ps.serviceMonitors = append(ps.serviceMonitors, newPickup(p.Spec.ServiceMonitorSelector, p.Spec.ServiceMonitorNamespaceSelector, own))
				ps.podMonitors = append(ps.podMonitors, newPickup(p.Spec.PodMonitorSelector, p.Spec.PodMonitorNamespaceSelector, own))
				ps.rules = append(ps.rules, newPickup(p.Spec.RuleSelector, p.Spec.RuleNamespaceSelector, own))
			}
		}
		for _, obj := range inv.Objects {
			if !inventory.IsMonitoringConfig(obj) || len(obj.Raw) == 0 {
				continue
			}
			switch obj.Kind {
			case "ServiceMonitor", "PodMonitor":
				var mon monitor
				if json.Unmarshal(obj.Raw, &mon) != nil {
					continue
				}
				sel, err := metav1.LabelSelectorAsSelector(&mon.Spec.Selector)
				if err != nil {
					continue
				}
				t := monitorTarget{obj: obj, any: mon.Spec.NamespaceSelector.Any, namespaces: mon.Spec.NamespaceSelector.MatchNames, selector: sel}
				if !t.any && len(t.namespaces) == 0 {
					t.namespaces = []string{obj.Namespace()}
				}
				if obj.Kind == "ServiceMonitor" {
					m.services = append(m.services, t)
				} else {
					m.pods = append(m.pods, t)
				}
			case "PrometheusRule":
				var pr prometheusRule
				if json.Unmarshal(obj.Raw, &pr) != nil {
					continue
				}
				for _, g := range pr.Spec.Groups {
					for _, r := range g.Rules {
						expr, ok := r.Expr.(string)
						if r.Alert == "" || !ok {
							continue
						}
						m.alerts = append(m.alerts, alertRule{obj: obj, from: obj.Namespace() + "/" + obj.Name(), alert: r.Alert, expr: expr})
					}
				}
			}
		}
		return m
	}).(*monitoring)
}

// componentPods returns the workloads of kube-system whose pods carry the
// component's label (its static pods, on a cluster whose control plane
// runs as pods).
func componentPods(inv *inventory.Inventory, c controlPlaneComponent) []*inventory.Workload {
	var out []*inventory.Workload
	for _, w := range inv.Workloads {
		if w.Namespace() == "kube-system" && w.PodMeta != nil && w.PodMeta.Labels["component"] == c.label {
			out = append(out, w)
		}
	}
	return out
}

// scrapedBy returns the monitor that scrapes component c and that a
// Prometheus picks up ("ServiceMonitor monitoring/kube-apiserver"), or ""
// and the first monitor that selects c but that no Prometheus picks up ("",
// when none selects it either). apiService is the kubernetes Service of the
// default namespace, for the API server.
func (m *monitoring) scrapedBy(inv *inventory.Inventory, pods []*inventory.Workload, apiService *inventory.Item[corev1.Service]) (picked, unpicked string) {
	found := func(t monitorTarget) bool {
		name := t.obj.Kind + " " + t.obj.Namespace() + "/" + t.obj.Name()
		if m.prometheuses.picks(t.obj) {
			picked = name
			return true
		}
		if unpicked == "" {
			unpicked = name
		}
		return false
	}
	for _, pm := range m.pods {
		for _, p := range pods {
			if pm.selects(p.Namespace(), p.PodMeta.Labels) && found(pm) {
				return picked, ""
			}
		}
	}
	for _, sm := range m.services {
		if apiService != nil && sm.selects(apiService.Namespace(), apiService.Value.Labels) && found(sm) {
			return picked, ""
		}
		for _, svc := range inv.Services {
			if !sm.selects(svc.Namespace(), svc.Value.Labels) || len(svc.Value.Spec.Selector) == 0 {
				continue
			}
			sel := labels.SelectorFromSet(svc.Value.Spec.Selector)
			for _, p := range pods {
				if p.Namespace() == svc.Namespace() && sel.Matches(labels.Set(p.PodMeta.Labels)) && found(sm) {
					return picked, ""
				}
			}
		}
	}
	return "", unpicked
}

var (
	// jobMatcher finds the job label matchers of a PromQL expression.
	jobMatcher = regexp.MustCompile(`\bjob\s*(?:=~|=)\s*"([^"]*)"`)
	// promString matches a PromQL string literal, which names no metric.
	promString = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
)

// alertedBy returns the first alerting rule a Prometheus picks up whose
// expression reads c's metrics (a metric name with its prefix:
// apiserver_request_total, or a recording rule named after it) or selects
// its scrape job (a job matcher whose value holds the job's word:
// job="apiserver"), as `PrometheusRule ns/name alert KubeAPIDown`; or "" and
// the first such rule no Prometheus picks up ("" when there is none either).
func (m *monitoring) alertedBy(c controlPlaneComponent) (picked, unpicked string) {
	for _, a := range m.alerts {
		reads := c.metric.MatchString(promString.ReplaceAllString(a.expr, `""`))
		for _, sm := range jobMatcher.FindAllStringSubmatch(a.expr, -1) {
			if strings.Contains(sm[1], c.job) {
				reads = true
			}
		}
		if !reads {
			continue
		}
		name := "PrometheusRule " + a.from + " alert " + a.alert
		if m.prometheuses.picks(a.obj) {
			return name, ""
		}
		if unpicked == "" {
			unpicked = name
		}
	}
	return "", unpicked
}

// monitoringMissing judges component c's scrape and alerting configuration
// and returns the finding on subject (the object that stands for the
// component) when either is missing.
func monitoringMissing(inv *inventory.Inventory, c controlPlaneComponent, subject *object.Object, path string, pods []*inventory.Workload, apiService *inventory.Item[corev1.Service]) []check.Finding {
	m := monitoringConfig(inv)
	var missing []string
	switch picked, unpicked := m.scrapedBy(inv, pods, apiService); {
	case picked != "":
	case unpicked != "":
		missing = append(missing, unpicked+" selects it, but no Prometheus picks that monitor up (serviceMonitorSelector or podMonitorSelector, and their namespace selectors)")
	default:
		missing = append(missing, "no ServiceMonitor or PodMonitor selects it")
	}
	switch picked, unpicked := m.alertedBy(c); {
	case picked != "":
	case unpicked != "":
		missing = append(missing, unpicked+" reads its metrics, but no Prometheus picks that rule up (ruleSelector, ruleNamespaceSelector)")
	default:
		missing = append(missing, "no PrometheusRule alert reads its "+c.metrics+"* metrics or its scrape job")
	}
	if len(missing) == 0 {
		return nil
	}
	return []check.Finding{{
		Object: subject,
		Path:   path,
		Reason: "control plane not monitored",
		Detail: "requests to " + c.name + " must be scraped by a ServiceMonitor or PodMonitor and alerted on by a PrometheusRule (" + strings.Join(missing, "; ") + ")",
	}}
}
