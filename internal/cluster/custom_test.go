package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubestride/kubestride/internal/object"
)

func crObject(apiVersion, kind, ns, name string, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": apiVersion, "kind": kind,
		"metadata": map[string]any{"namespace": ns, "name": name,
			"managedFields": []any{map[string]any{"manager": "kubectl"}}},
		"spec": spec,
	}}
	return u
}

func served(gv string, kinds ...[2]string) *metav1.APIResourceList {
	l := &metav1.APIResourceList{GroupVersion: gv}
	for _, k := range kinds {
		l.APIResources = append(l.APIResources, metav1.APIResource{Name: k[0], Kind: k[1], Namespaced: true, Verbs: metav1.Verbs{"get", "list"}})
	}
	return l
}

// customCluster serves Istio's PeerAuthentication at v1beta1 only (no
// AuthorizationPolicy), Linkerd's Server at v1beta3, and no Prometheus
// Operator.
func customCluster(objs ...runtime.Object) (*fake.Clientset, *dynamicfake.FakeDynamicClient) {
	cs := fake.NewClientset()
	cs.Discovery().(*fakediscovery.FakeDiscovery).Resources = []*metav1.APIResourceList{
		served("security.istio.io/v1beta1", [2]string{"peerauthentications", "PeerAuthentication"}),
		served("policy.linkerd.io/v1beta3", [2]string{"servers", "Server"}),
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		{Group: "security.istio.io", Version: "v1beta1", Resource: "peerauthentications"}: "PeerAuthenticationList",
		{Group: "policy.linkerd.io", Version: "v1beta3", Resource: "servers"}:             "ServerList",
	}, objs...)
	return cs, dyn
}

// TestCustomResources: the custom resources discovery shows served are
// listed at the version served, and arrive as JSON like custom resources
// from files; the others are Skipped as not installed, not Gaps.
func TestCustomResources(t *testing.T) {
	cs, dyn := customCluster(
		crObject("security.istio.io/v1beta1", "PeerAuthentication", "shop", "default", map[string]any{"mtls": map[string]any{"mode": "PERMISSIVE"}}),
		crObject("policy.linkerd.io/v1beta3", "Server", "shop", "web", map[string]any{"port": "http"}),
	)
	var got []*object.Object
	res, err := Collect(context.Background(), cs, Options{SkipSecrets: true, Dynamic: dyn}, nil, func(o *object.Object, _ struct{}) {
		if o.Raw != nil {
			got = append(got, o)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Gaps) > 0 {
		t.Fatalf("gaps: %+v", res.Gaps)
	}
	if len(got) != 2 {
		t.Fatalf("custom objects emitted: %d, want 2", len(got))
	}
	for _, o := range got {
		if o.Typed != nil {
			t.Errorf("%s %s: Typed = %T, want nil (a custom resource)", o.Kind, o.Name(), o.Typed)
		}
		if o.Origin.Source != object.FromCluster {
			t.Errorf("%s %s: Origin.Source = %q", o.Kind, o.Name(), o.Origin.Source)
		}
		if o.Meta == nil || o.Namespace() != "shop" {
			t.Errorf("%s: metadata not read: %+v", o.Kind, o.Meta)
		}
		if strings.Contains(string(o.Raw), "managedFields") {
			t.Errorf("%s: Raw keeps managedFields: %s", o.Kind, o.Raw)
		}
		var doc struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Spec       map[string]any
		}
		if err := json.Unmarshal(o.Raw, &doc); err != nil {
			t.Fatalf("%s: Raw is not JSON: %v", o.Kind, err)
		}
		if doc.APIVersion != o.APIVersion || doc.Kind != o.Kind || len(doc.Spec) == 0 {
			t.Errorf("%s: Raw %s does not match APIVersion %q Kind %q", o.Kind, o.Raw, o.APIVersion, o.Kind)
		}
	}
	if got[0].APIVersion != "security.istio.io/v1beta1" && got[1].APIVersion != "security.istio.io/v1beta1" {
		t.Errorf("PeerAuthentication not listed at v1beta1, the version served")
	}
	for name, want := range map[string]int{"peerauthentications.security.istio.io": 1, "servers.policy.linkerd.io": 1} {
		if res.Listed[name] != want {
			t.Errorf("Listed[%s] = %d, want %d", name, res.Listed[name], want)
		}
	}
	for name, want := range map[string]string{
		"authorizationpolicies.security.istio.io": "without AuthorizationPolicy",
		"authorizationpolicies.policy.linkerd.io": "without AuthorizationPolicy",
		"servicemonitors.monitoring.coreos.com":   "does not serve the API group monitoring.coreos.com",
		"prometheusrules.monitoring.coreos.com":   "does not serve the API group monitoring.coreos.com",
	} {
		why := res.Skipped[name]
		if !strings.HasPrefix(why, NotInstalled+": ") || !strings.Contains(why, want) {
			t.Errorf("Skipped[%s] = %q, want %q and %q", name, why, NotInstalled, want)
		}
	}
	if _, ok := res.Skipped["peerauthentications.security.istio.io"]; ok {
		t.Error("a served resource is reported skipped")
	}
}

// TestCustomResourceForbidden: a custom resource served but not listable
// is a Gap, as a built-in kind's list is; discovery that fails is one
// too, for every custom resource.
func TestCustomResourceForbidden(t *testing.T) {
	cs, dyn := customCluster()
	dyn.PrependReactor("list", "peerauthentications", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "security.istio.io", Resource: "peerauthentications"}, "", errors.New("no"))
	})
	res, err := Collect(context.Background(), cs, Options{SkipSecrets: true, Dynamic: dyn}, nil, func(*object.Object, struct{}) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Gaps) != 1 || res.Gaps[0].Resource != "peerauthentications.security.istio.io" || res.Gaps[0].Reason != "forbidden" {
		t.Errorf("gaps = %+v, want peerauthentications.security.istio.io forbidden", res.Gaps)
	}

	cs, dyn = customCluster()
	cs.Discovery().(*fakediscovery.FakeDiscovery).PrependReactor("get", "group", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewServiceUnavailable("discovery is down")
	})
	res, err = Collect(context.Background(), cs, Options{SkipSecrets: true, Dynamic: dyn}, nil, func(*object.Object, struct{}) {})
	if err != nil {
		t.Fatal(err)
	}
	gaps := map[string]string{}
	for _, g := range res.Gaps {
		gaps[g.Resource] = g.Reason
	}
	for _, cr := range CustomResources {
		if gaps[cr.Name()] != "unavailable" {
			t.Errorf("discovery failed: gap for %s = %q, want unavailable", cr.Name(), gaps[cr.Name()])
		}
	}
}

// TestCustomResourcesWithoutDynamicClient: without a dynamic client the
// custom resources are not listed, and the result says so.
func TestCustomResourcesWithoutDynamicClient(t *testing.T) {
	cs, _ := customCluster()
	res, err := Collect(context.Background(), cs, Options{SkipSecrets: true}, nil, func(*object.Object, struct{}) {})
	if err != nil {
		t.Fatal(err)
	}
	for _, cr := range CustomResources {
		if res.Skipped[cr.Name()] == "" {
			t.Errorf("%s: not reported skipped", cr.Name())
		}
	}
}
