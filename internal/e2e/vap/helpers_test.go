package vap

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/restmapper"

	"github.com/kubestride/kubestride/internal/export"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// nsLabel marks the namespaces of the test; the bindings select them by it.
const nsLabel = "e2e.kubestride.io/vap"

// workers is how many dry-run creates are in flight at once.
const workers = 4

// loaded is a set of exported policies in the API server, each bound in
// the namespaces labelled nsLabel=<one of its namespaces>.
type loaded struct {
	// policies maps a distinct policy spec (JSON) to its namespaces.
	specs map[string]*specUse
}

// loadedCount numbers the policies across the tests of the package.
var loadedCount int

type specUse struct {
	policy admissionregistrationv1.ValidatingAdmissionPolicy
	id     string
	ns     []string
}

// add records that res is to be enforced in namespace ns. Policies whose
// specs are the same (a control unchanged across versions) are loaded once
// and bound in all their namespaces.
func (l *loaded) add(t *testing.T, res *export.Result, ns string) {
	t.Helper()
	if l.specs == nil {
		l.specs = map[string]*specUse{}
	}
	for i, p := range res.Policies {
		data, err := json.Marshal(p.Spec)
		if err != nil {
			t.Fatal(err)
		}
		key := string(res.Checks[i]) + "\x00" + string(data)
		u := l.specs[key]
		if u == nil {
			u = &specUse{policy: p, id: string(res.Checks[i])}
			l.specs[key] = u
		}
		u.ns = append(u.ns, ns)
		if got := res.Bindings[i].Spec.ValidationActions; len(got) != 1 || got[0] != admissionregistrationv1.Deny {
			t.Fatalf("binding %s: validationActions %v, want [Deny]", res.Bindings[i].Name, got)
		}
	}
}

// apply creates the policies and bindings, then a sentinel policy, and
// waits until the API server enforces the sentinel in every namespace.
func (l *loaded) apply(t *testing.T, namespaces []string) {
	t.Helper()
	ctx := context.Background()
	cs := admin(t)
	keys := make([]string, 0, len(l.specs))
	for k := range l.specs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		u := l.specs[k]
		loadedCount++
		name := fmt.Sprintf("e2e-%03d-%s", loadedCount, u.id)
		p := u.policy.DeepCopy()
		p.Name = name
		if _, err := cs.AdmissionregistrationV1().ValidatingAdmissionPolicies().Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create policy %s (check %s): %v", name, u.id, err)
		}
		b := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
				PolicyName:        name,
				ValidationActions: []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny},
				MatchResources: &admissionregistrationv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
					MatchExpressions: []metav1.LabelSelectorRequirement{{Key: nsLabel, Operator: metav1.LabelSelectorOpIn, Values: u.ns}},
				}},
			},
		}
		if _, err := cs.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create binding %s: %v", name, err)
		}
		t.Cleanup(func() {
			_ = cs.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Delete(ctx, name, metav1.DeleteOptions{})
			_ = cs.AdmissionregistrationV1().ValidatingAdmissionPolicies().Delete(ctx, name, metav1.DeleteOptions{})
		})
	}
	t.Logf("%d distinct policies loaded", len(keys))
	sentinel(t, cs, namespaces)
	typeWarnings(t, cs)
}

// sentinel loads, last, a policy that denies ConfigMaps labelled
// e2e-sentinel (a kind no exported policy matches), and waits until every
// namespace denies such a ConfigMap: the policies created before it are
// then in force too.
func sentinel(t *testing.T, cs kubernetes.Interface, namespaces []string) {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("e2e-sentinel-%d", time.Now().UnixNano())
	p := &admissionregistrationv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionregistrationv1.RuleWithOperations{
					Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
					Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps"}},
				},
			}}},
			Validations: []admissionregistrationv1.Validation{{Expression: `!has(object.metadata.labels) || !('e2e-sentinel' in object.metadata.labels)`, Message: "sentinel"}},
		},
	}
	if _, err := cs.AdmissionregistrationV1().ValidatingAdmissionPolicies().Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	b := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName: name, ValidationActions: []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny},
			MatchResources: &admissionregistrationv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
				MatchExpressions: []metav1.LabelSelectorRequirement{{Key: nsLabel, Operator: metav1.LabelSelectorOpExists}},
			}},
		},
	}
	if _, err := cs.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "probe", "labels": map[string]any{"e2e-sentinel": "x"}}}
	denied := func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "ValidatingAdmissionPolicy '"+name+"'")
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, ns := range namespaces {
		for {
			err := createDryRun(t, &unstructured.Unstructured{Object: pod}, ns)
			if denied(err) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the policies are not in force in %s after 60s: %v", ns, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	// The sentinel's binding and policy are in force; give the policies
	// created before it the same second to be seen.
	time.Sleep(2 * time.Second)
	for _, del := range []func() error{
		func() error {
			return cs.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Delete(ctx, name, metav1.DeleteOptions{})
		},
		func() error {
			return cs.AdmissionregistrationV1().ValidatingAdmissionPolicies().Delete(ctx, name, metav1.DeleteOptions{})
		},
	} {
		if err := del(); err != nil {
			t.Fatal(err)
		}
	}
	for _, ns := range namespaces[:1] {
		for {
			if err := createDryRun(t, &unstructured.Unstructured{Object: pod}, ns); !denied(err) {
				break
			}
			if time.Now().After(deadline.Add(60 * time.Second)) {
				t.Fatalf("the sentinel policy is still in force in %s", ns)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// typeWarnings logs what the API server's type checking says of the
// loaded policies (CEL expressions it cannot check against the schema of
// every kind matched; they still run).
func typeWarnings(t *testing.T, cs kubernetes.Interface) {
	t.Helper()
	time.Sleep(time.Second)
	list, err := cs.AdmissionregistrationV1().ValidatingAdmissionPolicies().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range list.Items {
		if tc := p.Status.TypeChecking; tc != nil {
			n += len(tc.ExpressionWarnings)
		}
	}
	t.Logf("the API server's type checking reports %d expression warnings over %d policies", n, len(list.Items))
}

var (
	clientsOnce sync.Once
	adminCS     kubernetes.Interface
	dyn         dynamic.Interface
	mapper      *restmapper.DeferredDiscoveryRESTMapper
	clientsErr  error
)

func clients(t testing.TB) {
	t.Helper()
	clientsOnce.Do(func() {
		cfg := testcluster.Shared.Config("admin")
		cfg.QPS, cfg.Burst = 500, 1000
		if adminCS, clientsErr = kubernetes.NewForConfig(cfg); clientsErr != nil {
			return
		}
		if dyn, clientsErr = dynamic.NewForConfig(cfg); clientsErr != nil {
			return
		}
		dc, err := discovery.NewDiscoveryClientForConfig(cfg)
		if err != nil {
			clientsErr = err
			return
		}
		mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	})
	if clientsErr != nil {
		t.Fatal(clientsErr)
	}
}

func admin(t testing.TB) kubernetes.Interface {
	clients(t)
	return adminCS
}

// createDryRun sends obj as a dry-run create into namespace ns (when its
// kind is namespaced).
func createDryRun(t testing.TB, obj *unstructured.Unstructured, ns string) error {
	clients(t)
	gvk := obj.GroupVersionKind()
	m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return noResource{gvk, err}
	}
	obj = obj.DeepCopy()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var r dynamic.ResourceInterface = dyn.Resource(m.Resource)
	if m.Scope.Name() == "namespace" {
		obj.SetNamespace(ns)
		r = dyn.Resource(m.Resource).Namespace(ns)
	}
	_, err = r.Create(ctx, obj, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	return err
}

// noResource is the error for a kind the API server does not serve.
type noResource struct {
	gvk schema.GroupVersionKind
	err error
}

func (e noResource) Error() string {
	return fmt.Sprintf("the API server does not serve %s: %v", e.gvk, e.err)
}

// verdict is what the API server answered a dry-run create.
type verdict struct {
	allowed bool
	// policy is the policy that denied it, and message its message.
	policy, message string
	// refused is set when the API server refused the object before
	// admission (invalid, or a kind it does not serve).
	refused string
	err     error
}

func (v verdict) String() string {
	switch {
	case v.err != nil:
		return "error: " + v.err.Error()
	case v.refused != "":
		return "refused: " + v.refused
	case v.allowed:
		return "allowed"
	}
	return "denied by " + v.policy + ": " + v.message
}

// classify reads the answer to a dry-run create.
func classify(err error) verdict {
	if err == nil {
		return verdict{allowed: true}
	}
	var nr noResource
	if ok := asNoResource(err, &nr); ok {
		return verdict{refused: nr.Error()}
	}
	msg := err.Error()
	const marker = "ValidatingAdmissionPolicy '"
	if i := strings.Index(msg, marker); i >= 0 && apierrors.IsForbidden(err) {
		rest := msg[i+len(marker):]
		name, rest, _ := strings.Cut(rest, "'")
		_, detail, _ := strings.Cut(rest, "denied request: ")
		return verdict{policy: name, message: detail}
	}
	if apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) {
		return verdict{refused: msg}
	}
	return verdict{err: err}
}

func asNoResource(err error, nr *noResource) bool {
	v, ok := err.(noResource)
	if ok {
		*nr = v
	}
	return ok
}

// toUnstructured turns an object read by package source into what the API
// server receives.
func toUnstructured(o *object.Object) (*unstructured.Unstructured, error) {
	var m map[string]any
	if o.Typed != nil {
		var err error
		if m, err = runtime.DefaultUnstructuredConverter.ToUnstructured(o.Typed); err != nil {
			return nil, err
		}
	} else if err := json.Unmarshal(o.Raw, &m); err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion(o.APIVersion)
	u.SetKind(o.Kind)
	// Some fixtures are named with underscores or left unnamed, which the
	// API server refuses before admission; no policy reads the name.
	name := strings.ToLower(strings.ReplaceAll(u.GetName(), "_", "-"))
	if name == "" {
		name = "unnamed"
	}
	u.SetName(name)
	u.SetGenerateName("")
	u.SetResourceVersion("")
	u.SetUID("")
	return u, nil
}

// replay runs fn on each index of n, workers at a time.
func replay(n int, fn func(i int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				fn(i)
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// testclusterNamespace creates namespace ns labelled for the bindings.
func testclusterNamespace(ns string) error {
	return testcluster.Shared.Namespace(context.Background(), ns, map[string]string{nsLabel: ns})
}
