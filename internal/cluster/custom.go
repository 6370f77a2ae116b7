package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
)

// CustomResource is a kind the checks judge that is not built into
// Kubernetes: a service mesh's policy, a monitoring configuration. The
// collector lists it, with the dynamic client, when the API server serves
// it; its objects reach the checks as JSON (object.Object.Raw), as custom
// resources read from files do.
type CustomResource struct {
	// Resource is the plural resource name, Group its API group and Kind
	// its kind.
	Resource, Group, Kind string
	// Versions are the versions to list it at, the first the server
	// serves; other versions the server serves for the group follow, in
	// the server's order.
	Versions []string
}

// Name is the resource name with its group, as Coverage names it:
// "peerauthentications.security.istio.io".
func (r CustomResource) Name() string { return r.Resource + "." + r.Group }

// CustomResources are the custom resources a live scan lists.
var CustomResources = []CustomResource{
	{"peerauthentications", "security.istio.io", "PeerAuthentication", []string{"v1", "v1beta1"}},
	{"authorizationpolicies", "security.istio.io", "AuthorizationPolicy", []string{"v1", "v1beta1"}},
	{"servers", "policy.linkerd.io", "Server", []string{"v1beta3", "v1beta2", "v1beta1"}},
	{"authorizationpolicies", "policy.linkerd.io", "AuthorizationPolicy", []string{"v1alpha1"}},
	{"serverauthorizations", "policy.linkerd.io", "ServerAuthorization", []string{"v1beta1"}},
	{"meshtlsauthentications", "policy.linkerd.io", "MeshTLSAuthentication", []string{"v1alpha1"}},
	{"networkauthentications", "policy.linkerd.io", "NetworkAuthentication", []string{"v1alpha1"}},
	{"servicemonitors", "monitoring.coreos.com", "ServiceMonitor", []string{"v1"}},
	{"podmonitors", "monitoring.coreos.com", "PodMonitor", []string{"v1"}},
	{"prometheusrules", "monitoring.coreos.com", "PrometheusRule", []string{"v1"}},
	{"prometheuses", "monitoring.coreos.com", "Prometheus", []string{"v1"}},
}

// NotInstalled is how Result.Skipped begins for a custom resource the API
// server does not serve.
const NotInstalled = "not installed"

// customJobs asks discovery which of the custom resources the server
// serves, and at which version. A resource it does not serve is Skipped as
// not installed; one discovery could not tell about is a Gap, as a failed
// list is.
func (c *collector) customJobs() []job {
	if c.opts.Dynamic == nil {
		for _, cr := range CustomResources {
			c.res.Skipped[cr.Name()] = "not listed: the collection was given no dynamic client"
		}
		return nil
	}
	d := contextDiscovery{c.cs.Discovery()}
	groups, err := d.groups(c.lctx)
	if err != nil {
		for _, cr := range CustomResources {
			c.discoveryGap(cr.Name(), fmt.Errorf("discover API groups: %w", err))
		}
		return nil
	}
	served := map[string][]string{} // group: versions, preferred first
	for _, g := range groups.Groups {
		var vs []string
		if g.PreferredVersion.Version != "" {
			vs = append(vs, g.PreferredVersion.Version)
		}
		for _, v := range g.Versions {
			if !slices.Contains(vs, v.Version) {
				vs = append(vs, v.Version)
			}
		}
		served[g.Name] = vs
	}
	type answer struct {
		list *metav1.APIResourceList
		err  error
	}
	resources := map[string]answer{} // group/version: its resources
	var jobs []job
	for _, cr := range CustomResources {
		vs := served[cr.Group]
		if len(vs) == 0 {
			c.res.Skipped[cr.Name()] = fmt.Sprintf("%s: the API server does not serve the API group %s", NotInstalled, cr.Group)
			continue
		}
		order := slices.Clone(cr.Versions)
		for _, v := range vs {
			if !slices.Contains(order, v) {
				order = append(order, v)
			}
		}
		var (
			found   *metav1.APIResource
			version string
			failed  error
		)
		for _, v := range order {
			if !slices.Contains(vs, v) {
				continue
			}
			gv := cr.Group + "/" + v
			a, ok := resources[gv]
			if !ok {
				a.list, a.err = d.resources(c.lctx, gv)
				resources[gv] = a
			}
			if a.err != nil {
				failed = fmt.Errorf("discover %s: %w", gv, a.err)
				continue
			}
			for i, r := range a.list.APIResources {
				if r.Name == cr.Resource && r.Kind == cr.Kind && slices.Contains(r.Verbs, "list") {
					found, version = &a.list.APIResources[i], v
					break
				}
			}
			if found != nil {
				break
			}
		}
		switch {
		case found == nil && failed != nil:
			c.discoveryGap(cr.Name(), failed)
			continue
		case found == nil:
			c.res.Skipped[cr.Name()] = fmt.Sprintf("%s: the API server serves %s (%s) without %s", NotInstalled, cr.Group, strings.Join(vs, ", "), cr.Kind)
			continue
		}
		r := resource{
			Name:       cr.Name(),
			GVK:        gvk(cr.Group, version, cr.Kind),
			Namespaced: found.Namespaced,
			list:       dynamicList(c.opts.Dynamic, schema.GroupVersionResource{Group: cr.Group, Version: version, Resource: cr.Resource}),
		}
		if c.opts.Namespace != "" && !r.Namespaced {
			c.res.Skipped[r.Name] = "cluster-scoped; not listed in a namespace scan"
			continue
		}
		jobs = append(jobs, job{res: r, ns: c.opts.Namespace})
	}
	return jobs
}

func (c *collector) discoveryGap(name string, err error) {
	if c.timedOut() {
		c.timeoutGap(name, c.opts.Namespace, false)
		return
	}
	c.gap(name, c.opts.Namespace, err, false)
}

// dynamicList lists a custom resource with the dynamic client; each item
// keeps its JSON, without managedFields.
func dynamicList(dyn dynamic.Interface, gvr schema.GroupVersionResource) lister {
	return func(ctx context.Context, _ kubernetes.Interface, ns string, o metav1.ListOptions) (page, error) {
		l, err := dyn.Resource(gvr).Namespace(ns).List(ctx, o)
		if err != nil {
			return page{}, err
		}
		p := page{items: make([]listed, len(l.Items)), continue_: l.GetContinue(), kind: l.GetKind()}
		for i := range l.Items {
			it := &l.Items[i]
			unstructured.RemoveNestedField(it.Object, "metadata", "managedFields")
			raw, err := it.MarshalJSON()
			if err != nil {
				return page{}, fmt.Errorf("encode %s %s/%s: %w", it.GetKind(), it.GetNamespace(), it.GetName(), err)
			}
			var m struct {
				Metadata metav1.ObjectMeta `json:"metadata"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return page{}, fmt.Errorf("read the metadata of %s %s/%s: %w", it.GetKind(), it.GetNamespace(), it.GetName(), err)
			}
			p.items[i] = listed{obj: it, meta: &m.Metadata, raw: raw}
		}
		return p, nil
	}
}

// contextDiscovery asks discovery under the collection's context when the
// client can take one.
type contextDiscovery struct{ discovery.DiscoveryInterface }

func (d contextDiscovery) groups(ctx context.Context) (*metav1.APIGroupList, error) {
	if w, ok := d.DiscoveryInterface.(interface {
		ServerGroupsWithContext(context.Context) (*metav1.APIGroupList, error)
	}); ok {
		return w.ServerGroupsWithContext(ctx)
	}
	return d.ServerGroups()
}

func (d contextDiscovery) resources(ctx context.Context, gv string) (*metav1.APIResourceList, error) {
	if w, ok := d.DiscoveryInterface.(interface {
		ServerResourcesForGroupVersionWithContext(context.Context, string) (*metav1.APIResourceList, error)
	}); ok {
		return w.ServerResourcesForGroupVersionWithContext(ctx, gv)
	}
	return d.ServerResourcesForGroupVersion(gv)
}
