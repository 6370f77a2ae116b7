package cli

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/spf13/pflag"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/cluster"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scan"
)

// KubeOptions are the kubectl connection flags.
type KubeOptions struct {
	Kubeconfig     string
	Context        string
	Namespace      string
	RequestTimeout time.Duration
}

func (k *KubeOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&k.Kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config; in a pod, its service account)")
	f.StringVar(&k.Context, "context", "", "kubeconfig context to use")
	f.StringVarP(&k.Namespace, "namespace", "n", "", "with --cluster, scan only this namespace (cluster-scoped kinds are then not listed); for manifests, the namespace of namespaced objects that set none (default: default, as for kubectl apply)")
	f.DurationVar(&k.RequestTimeout, "request-timeout", 60*time.Second, "time limit of each request to the API server")
}

// set reports whether a flag that only a cluster connection uses is set.
func (k *KubeOptions) set() bool {
	return k.Kubeconfig != "" || k.Context != ""
}

// restConfig loads the client configuration the way kubectl does, falling
// back to the in-cluster service account.
func (k *KubeOptions) restConfig() (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = k.Kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: k.Context}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig: %w", err)
	}
	cfg.Timeout = k.RequestTimeout
	cfg.QPS, cfg.Burst = 100, 200
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cfg.UserAgent = "kubestride/" + version()
	return cfg, nil
}

// scanCluster lists the live cluster into the scanner and returns the
// report with its coverage and Pod Security readiness.
func scanCluster(ctx context.Context, s IO, o *ScanOptions, scanner *scan.Scanner, v api.Version) (*report.Report, error) {
	cfg, err := o.Kube.restConfig()
	if err != nil {
		return nil, usageError{err}
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, usageError{fmt.Errorf("kubernetes client: %w", err)}
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, usageError{fmt.Errorf("kubernetes client: %w", err)}
	}
	readiness := scan.NewReadiness(v)
	bar := newProgressBar(s.Err)
	res, err := cluster.Collect(ctx, cs, cluster.Options{
		Namespace:      o.Kube.Namespace,
		IncludeSecrets: o.IncludeSecrets,
		SkipSecrets:    o.NoSecrets,
		Timeout:        o.ScanTimeout,
		Observe:        readiness.Add,
		Progress:       bar.update,
		Dynamic:        dyn,
	}, o.images.wrap(ctx, func(obj *object.Object) *scan.Local { return scanner.CheckLocal(ctx, obj) }),
		func(obj *object.Object, local *scan.Local) { scanner.Add(ctx, obj, local) })
	bar.done()
	if err != nil {
		return nil, fmt.Errorf("scan cluster %s: %w", cfg.Host, err)
	}
	scanner.CountPods(res.OwnedPods)
	scanner.NotEvaluated(notListedLive(res, o.Kube.Namespace, o.IncludeSecrets))
	rep := scanner.Report(ctx, o.images.errors())
	cov := &report.Coverage{Listed: res.Listed, Skipped: res.Skipped, Gaps: append([]object.Gap{}, res.Gaps...)}
	rep.Coverage = cov
	rep.Readiness = readiness.Result()
	return rep, nil
}

// liveInputs are the checks that judge custom resources (service meshes'
// policies): on a live scan each is evaluated only when every resource it
// reads was listed completely; otherwise the report says it was not
// evaluated, and why, rather than let it pass.
var liveInputs = map[check.ID][]string{
	"istio-peer-authentication-permissive":       {"peerauthentications.security.istio.io"},
	"istio-namespace-mtls-not-strict":            {"peerauthentications.security.istio.io"},
	"istio-authorization-allow-all":              {"authorizationpolicies.security.istio.io"},
	"istio-authorization-default-deny-missing":   {"authorizationpolicies.security.istio.io", "peerauthentications.security.istio.io"},
	"linkerd-authorization-allow-all":            {"authorizationpolicies.policy.linkerd.io", "meshtlsauthentications.policy.linkerd.io", "networkauthentications.policy.linkerd.io"},
	"linkerd-authorization-default-deny-missing": {"authorizationpolicies.policy.linkerd.io", "serverauthorizations.policy.linkerd.io"},
	"apiserver-monitoring-missing":               {"servicemonitors.monitoring.coreos.com", "podmonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"},
	"etcd-monitoring-missing":                    {"servicemonitors.monitoring.coreos.com", "podmonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"},
}

// liveOptionalInputs are custom resources a check reads when the API
// server serves them and does without when it does not (the Prometheus
// objects that say which monitors are picked up): not installed, the check
// is evaluated; served but not listed completely (forbidden, failed), it
// is not.
// The Istio namespace checks read the mesh configuration (ConfigMap istio)
// for the root namespace.
var liveOptionalInputs = map[check.ID][]string{
	"apiserver-monitoring-missing":             {"prometheuses.monitoring.coreos.com"},
	"etcd-monitoring-missing":                  {"prometheuses.monitoring.coreos.com"},
	"istio-namespace-mtls-not-strict":          {"configmaps"},
	"istio-authorization-default-deny-missing": {"configmaps"},
}

// clusterWide are the checks that read objects of other namespaces than
// the one they judge (the mesh-wide policies of Istio's root namespace, the
// monitoring configuration of the control plane): a namespace scan (-n)
// does not list them, so it does not evaluate these checks.
var clusterWide = map[check.ID]string{
	"istio-namespace-mtls-not-strict":          "a namespace scan does not list the mesh-wide policies of istio-system (scan without -n)",
	"istio-authorization-default-deny-missing": "a namespace scan does not list the mesh-wide policies of istio-system (scan without -n)",
	"apiserver-monitoring-missing":             "a namespace scan does not list the API server nor the monitoring configuration of other namespaces (scan without -n)",
	"etcd-monitoring-missing":                  "a namespace scan does not list etcd nor the monitoring configuration of other namespaces (scan without -n)",
}

// needSecretData are the checks that read what pull secrets hold (their
// registries and a fingerprint of the credential): a live scan reads it
// only with --include-secrets.
var needSecretData = map[check.ID]bool{
	"registry-credential-shared":         true,
	"registry-credential-push-access":    true,
	"service-account-pull-secret-unused": true,
}

// notListedLive returns, with why, the checks a live scan cannot evaluate:
// those of liveInputs whose resources the collection did not list
// completely (not installed: the API server does not serve them; skipped;
// or a gap: forbidden, failed), those of clusterWide in a namespace scan,
// and those of needSecretData without the Secrets' data.
func notListedLive(res *cluster.Result, namespace string, secretData bool) map[check.ID]string {
	gaps := map[string]object.Gap{}
	for _, g := range res.Gaps {
		if _, ok := gaps[g.Resource]; !ok {
			gaps[g.Resource] = g
		}
	}
	ids := maps.Clone(needSecretData)
	for id := range liveInputs {
		ids[id] = true
	}
	for id := range liveOptionalInputs {
		ids[id] = true
	}
	for id := range clusterWide {
		ids[id] = true
	}
	// unlisted says why resource r was not listed completely; a resource
	// not installed counts only when the check needs it (not optional).
	unlisted := func(r string, optional bool) (string, bool) {
		if g, ok := gaps[r]; ok {
			return fmt.Sprintf("%s could not be listed (%s)", r, g.Reason), true
		}
		if why, ok := res.Skipped[r]; ok && !(optional && strings.HasPrefix(why, cluster.NotInstalled)) {
			return r + " " + why, true
		}
		return "", false
	}
	out := map[check.ID]string{}
	for id := range ids {
		var whys []string
		if why, ok := clusterWide[id]; ok && namespace != "" {
			whys = append(whys, why)
		}
		for _, r := range liveInputs[id] {
			if why, ok := unlisted(r, false); ok {
				whys = append(whys, why)
			}
		}
		for _, r := range liveOptionalInputs[id] {
			if why, ok := unlisted(r, true); ok {
				whys = append(whys, why)
			}
		}
		if needSecretData[id] && !secretData {
			if why, ok := res.Skipped["secrets"]; ok {
				whys = append(whys, "secrets "+why)
			} else {
				whys = append(whys, "Secrets were listed without their data (--include-secrets reads the pull secrets' registries)")
			}
		}
		if len(whys) > 0 {
			out[id] = "not evaluated: " + strings.Join(whys, "; ")
		}
	}
	return out
}

func gapLine(g object.Gap) string {
	where := g.Resource
	if g.Namespace != "" {
		where += " in " + g.Namespace
	}
	partial := ""
	if g.Partial {
		partial = " (partly read)"
	}
	return fmt.Sprintf("%s: %s%s: %s", where, g.Reason, partial, g.Message)
}

// validNamespace returns a usage error naming -n when ns is set and is not
// a namespace name (a DNS-1123 label), which the API server would refuse.
func validNamespace(ns string) error {
	if ns == "" {
		return nil
	}
	if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
		return usagef("-n/--namespace: %q is not a namespace name: %s", ns, strings.Join(errs, "; "))
	}
	return nil
}
