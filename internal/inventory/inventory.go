package inventory

import (
	"sync"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
)

// Item is one object of a known kind with its typed value.
type Item[T any] struct {
	*object.Object
	Value *T
}

// Inventory holds every object of a scan.
type Inventory struct {
	// Objects lists every object in load order, of any kind.
	Objects []*object.Object
	// Workloads lists every object holding a pod spec, in load order.
	Workloads []*Workload

	Namespaces          []Item[corev1.Namespace]
	Nodes               []Item[corev1.Node]
	ServiceAccounts     []Item[corev1.ServiceAccount]
	Secrets             []Item[corev1.Secret]
	ConfigMaps          []Item[corev1.ConfigMap]
	Services            []Item[corev1.Service]
	ResourceQuotas      []Item[corev1.ResourceQuota]
	LimitRanges         []Item[corev1.LimitRange]
	NetworkPolicies     []Item[networkingv1.NetworkPolicy]
	Roles               []Item[rbacv1.Role]
	ClusterRoles        []Item[rbacv1.ClusterRole]
	RoleBindings        []Item[rbacv1.RoleBinding]
	ClusterRoleBindings []Item[rbacv1.ClusterRoleBinding]
	ValidatingWebhooks  []Item[admissionv1.ValidatingWebhookConfiguration]
	MutatingWebhooks    []Item[admissionv1.MutatingWebhookConfiguration]

	// Errors lists the custom resources whose embedded pod could not be
	// read, so that no check evaluated it.
	Errors []object.Error

	// NodeObjects are the objects the node checks judge, kept whole by
	// AddSummary too: control-plane static pods and the configuration
	// files the components read (see host.IsNodeObject).
	NodeObjects []*object.Object
	// Host is what was read of a node beside its objects (by the node
	// command); nil for manifests and clusters.
	Host *host.Node

	namespaces map[string]*Namespace
	templates  *PodTemplates

	// derived holds the values Derived computed.
	derivedMu sync.Mutex
	derived   map[any]*derivedValue
}

// derivedValue is a value computed once from an inventory.
type derivedValue struct {
	once sync.Once
	v    any
}

// Derived returns build(inv), computed on the first call with key and
// shared by every later one, so that checks needing the same index of the
// inventory (the RBAC model, for one) build it once per scan. It is safe for
// concurrent use; the inventory must not change once it is called.
func (inv *Inventory) Derived(key any, build func(*Inventory) any) any {
	inv.derivedMu.Lock()
	d := inv.derived[key]
	if d == nil {
		if inv.derived == nil {
			inv.derived = map[any]*derivedValue{}
		}
		d = &derivedValue{}
		inv.derived[key] = d
	}
	inv.derivedMu.Unlock()
	d.once.Do(func() { d.v = build(inv) })
	return d.v
}

// Namespace gathers what the inventory holds for one namespace name.
type Namespace struct {
	// Name is the namespace name ("" for objects that set none).
	Name string
	// Object is the Namespace object itself, when it was loaded.
	Object *Item[corev1.Namespace]

	ServiceAccounts map[string]*Item[corev1.ServiceAccount]
	ResourceQuotas  []Item[corev1.ResourceQuota]
	LimitRanges     []Item[corev1.LimitRange]
	NetworkPolicies []Item[networkingv1.NetworkPolicy]
	Workloads       []*Workload
}

// New returns an empty inventory that finds pods in custom resources with
// the built-in table (DefaultPodTemplates).
func New() *Inventory { return NewWith(nil) }

// NewWith returns an empty inventory that finds pods in custom resources
// with the table t; nil means the built-in table.
func NewWith(t *PodTemplates) *Inventory {
	if t == nil {
		t = defaultTemplates
	}
	return &Inventory{namespaces: map[string]*Namespace{}, templates: t}
}

// Build returns an inventory of objs.
func Build(objs []*object.Object) *Inventory {
	inv := New()
	for _, o := range objs {
		inv.Add(o)
	}
	return inv
}

// ns returns the namespace entry for name, creating it.
func (inv *Inventory) ns(name string) *Namespace {
	n := inv.namespaces[name]
	if n == nil {
		n = &Namespace{Name: name, ServiceAccounts: map[string]*Item[corev1.ServiceAccount]{}}
		inv.namespaces[name] = n
	}
	return n
}

// Namespace returns what the inventory holds for the namespace name, or nil
// when it holds nothing there.
func (inv *Inventory) Namespace(name string) *Namespace { return inv.namespaces[name] }

// ServiceAccount returns the ServiceAccount name in namespace ns, when loaded.
func (inv *Inventory) ServiceAccount(ns, name string) *Item[corev1.ServiceAccount] {
	if n := inv.namespaces[ns]; n != nil {
		return n.ServiceAccounts[name]
	}
	return nil
}

// Add files obj under its kind. Objects of kinds the inventory has no view
// of are kept in Objects only.
func (inv *Inventory) Add(obj *object.Object) {
	inv.Objects = append(inv.Objects, obj)
	if host.IsNodeObject(obj) {
		inv.NodeObjects = append(inv.NodeObjects, obj)
	}
	if ws := inv.workloads(obj); len(ws) > 0 {
		for _, w := range ws {
			inv.addWorkload(w)
		}
		return
	}
	switch v := obj.Typed.(type) {
	case *corev1.Namespace:
		it := Item[corev1.Namespace]{obj, v}
		inv.Namespaces = append(inv.Namespaces, it)
		inv.ns(obj.Name()).Object = &it
	case *corev1.Node:
		inv.Nodes = append(inv.Nodes, Item[corev1.Node]{obj, v})
	case *corev1.ServiceAccount:
		inv.ServiceAccounts = append(inv.ServiceAccounts, Item[corev1.ServiceAccount]{obj, v})
		it := Item[corev1.ServiceAccount]{obj, v}
		inv.ns(obj.Namespace()).ServiceAccounts[obj.Name()] = &it
	case *corev1.Secret:
		inv.Secrets = append(inv.Secrets, Item[corev1.Secret]{obj, v})
	case *corev1.ConfigMap:
		inv.ConfigMaps = append(inv.ConfigMaps, Item[corev1.ConfigMap]{obj, v})
	case *corev1.Service:
		inv.Services = append(inv.Services, Item[corev1.Service]{obj, v})
	case *corev1.ResourceQuota:
		it := Item[corev1.ResourceQuota]{obj, v}
		inv.ResourceQuotas = append(inv.ResourceQuotas, it)
		n := inv.ns(obj.Namespace())
		n.ResourceQuotas = append(n.ResourceQuotas, it)
	case *corev1.LimitRange:
		it := Item[corev1.LimitRange]{obj, v}
		inv.LimitRanges = append(inv.LimitRanges, it)
		n := inv.ns(obj.Namespace())
		n.LimitRanges = append(n.LimitRanges, it)
	case *networkingv1.NetworkPolicy:
		it := Item[networkingv1.NetworkPolicy]{obj, v}
		inv.NetworkPolicies = append(inv.NetworkPolicies, it)
		n := inv.ns(obj.Namespace())
		n.NetworkPolicies = append(n.NetworkPolicies, it)
	case *rbacv1.Role:
		inv.Roles = append(inv.Roles, Item[rbacv1.Role]{obj, v})
	case *rbacv1.ClusterRole:
		inv.ClusterRoles = append(inv.ClusterRoles, Item[rbacv1.ClusterRole]{obj, v})
	case *rbacv1.RoleBinding:
		inv.RoleBindings = append(inv.RoleBindings, Item[rbacv1.RoleBinding]{obj, v})
	case *rbacv1.ClusterRoleBinding:
		inv.ClusterRoleBindings = append(inv.ClusterRoleBindings, Item[rbacv1.ClusterRoleBinding]{obj, v})
	case *admissionv1.ValidatingWebhookConfiguration:
		inv.ValidatingWebhooks = append(inv.ValidatingWebhooks, Item[admissionv1.ValidatingWebhookConfiguration]{obj, v})
	case *admissionv1.MutatingWebhookConfiguration:
		inv.MutatingWebhooks = append(inv.MutatingWebhooks, Item[admissionv1.MutatingWebhookConfiguration]{obj, v})
	}
}

// workloads returns the workloads obj holds: one for a built-in kind with a
// pod spec, any number for a custom resource in the pod template table. It
// records a custom resource's pod that could not be read in Errors.
func (inv *Inventory) workloads(obj *object.Object) []*Workload {
	if w := newWorkload(obj); w != nil {
		return []*Workload{w}
	}
	t := inv.templates
	if t == nil {
		t = defaultTemplates
	}
	ws, errs := customWorkloads(obj, t)
	inv.Errors = append(inv.Errors, errs...)
	return ws
}

func (inv *Inventory) addWorkload(w *Workload) {
	inv.Workloads = append(inv.Workloads, w)
	n := inv.ns(w.Namespace())
	n.Workloads = append(n.Workloads, w)
}

// NewSingle returns an inventory holding only obj, reusing reuse's storage
// when it is not nil (nil allocates a new one). The scan engine uses it to
// run local checks on one object at a time.
func NewSingle(reuse *Inventory, obj *object.Object) *Inventory {
	if reuse == nil {
		reuse = New()
	} else {
		keep := reuse.namespaces
		for k := range keep {
			delete(keep, k)
		}
		*reuse = Inventory{
			Objects:    reuse.Objects[:0],
			Workloads:  reuse.Workloads[:0],
			namespaces: keep,
			templates:  reuse.templates,
		}
	}
	reuse.Add(obj)
	return reuse
}
