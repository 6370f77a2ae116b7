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
// see inventory.AddSummary). Whether a
// Prometheus selects the monitor (its serviceMonitorSelector and
// ruleSelector) is not judged: the objects that say so are the Prometheus
// resources, which the checks do not read.

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
	// about the component.
	metrics, job string
}

var (
	apiserverComponent = controlPlaneComponent{name: "the API server", label: "kube-apiserver", metrics: "apiserver_", job: "apiserver"}
	etcdComponent      = controlPlaneComponent{name: "etcd", label: "etcd", metrics: "etcd_", job: "etcd"}
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
	// alerts are the expressions of the alerting rules, each with the
	// PrometheusRule and alert it comes from.
	alerts []alertRule
}

type alertRule struct {
	from, alert, expr string
}

type monitoringKey struct{}

// monitoringConfig reads the scan's ServiceMonitors, PodMonitors and
// PrometheusRules; one whose spec does not decode, or whose selector is
// not a valid label selector (the API server's schema or the operator
// would refuse it), selects nothing.
func monitoringConfig(inv *inventory.Inventory) *monitoring {
	return inv.Derived(monitoringKey{}, func(inv *inventory.Inventory) any {
		m := &monitoring{}
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
						m.alerts = append(m.alerts, alertRule{from: obj.Namespace() + "/" + obj.Name(), alert: r.Alert, expr: expr})
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

// scrapedBy returns the monitor that scrapes component c ("ServiceMonitor
// monitoring/kube-apiserver"), "" when none does. apiService is the
// kubernetes Service of the default namespace, for the API server.
func (m *monitoring) scrapedBy(inv *inventory.Inventory, c controlPlaneComponent, pods []*inventory.Workload, apiService *inventory.Item[corev1.Service]) string {
	for _, pm := range m.pods {
		for _, p := range pods {
			if pm.selects(p.Namespace(), p.PodMeta.Labels) {
				return "PodMonitor " + pm.obj.Namespace() + "/" + pm.obj.Name()
			}
		}
	}
	for _, sm := range m.services {
		if apiService != nil && sm.selects(apiService.Namespace(), apiService.Value.Labels) {
			return "ServiceMonitor " + sm.obj.Namespace() + "/" + sm.obj.Name()
		}
		for _, svc := range inv.Services {
			if !sm.selects(svc.Namespace(), svc.Value.Labels) || len(svc.Value.Spec.Selector) == 0 {
				continue
			}
			sel := labels.SelectorFromSet(svc.Value.Spec.Selector)
			for _, p := range pods {
				if p.Namespace() == svc.Namespace() && sel.Matches(labels.Set(p.PodMeta.Labels)) {
					return "ServiceMonitor " + sm.obj.Namespace() + "/" + sm.obj.Name()
				}
			}
		}
	}
	return ""
}

var (
	// jobMatcher finds the job label matchers of a PromQL expression.
	jobMatcher = regexp.MustCompile(`\bjob\s*(?:=~|=)\s*"([^"]*)"`)
	// promString matches a PromQL string literal, which names no metric.
	promString = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
)

// alertedBy returns the first alerting rule whose expression reads c's
// metrics (a metric name with its prefix: apiserver_request_total, or a
// recording rule named after it) or selects its scrape job (a job matcher
// whose value holds the job's word: job="apiserver"), as
// `PrometheusRule "ns/name" alert "KubeAPIDown"`; "" when none does.
func (m *monitoring) alertedBy(c controlPlaneComponent) string {
	metric := regexp.MustCompile(`(^|[^a-zA-Z0-9_:])` + regexp.QuoteMeta(c.metrics) + `[a-zA-Z0-9_:]`)
	for _, a := range m.alerts {
		reads := metric.MatchString(promString.ReplaceAllString(a.expr, `""`))
		for _, sm := range jobMatcher.FindAllStringSubmatch(a.expr, -1) {
			if strings.Contains(sm[1], c.job) {
				reads = true
			}
		}
		if reads {
			return "PrometheusRule " + a.from + " alert " + a.alert
		}
	}
	return ""
}

// monitoringMissing judges component c's scrape and alerting configuration
// and returns the finding on subject (the object that stands for the
// component) when either is missing.
func monitoringMissing(inv *inventory.Inventory, c controlPlaneComponent, subject *object.Object, path string, pods []*inventory.Workload, apiService *inventory.Item[corev1.Service]) []check.Finding {
	m := monitoringConfig(inv)
	var missing []string
	if m.scrapedBy(inv, c, pods, apiService) == "" {
		missing = append(missing, "no ServiceMonitor or PodMonitor selects it")
	}
	if m.alertedBy(c) == "" {
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
