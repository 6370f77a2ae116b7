package webhook

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

// clusterState is what the webhook reads from the cluster, through shared
// informers: namespaces (their mode labels) and LimitRanges (a LimitRange
// that defaults a limit excuses a workload that sets none). Reviews read
// the informers' caches, never the API server, except for a namespace the
// cache does not hold yet (one created a moment ago).
type clusterState struct {
	client      kubernetes.Interface
	factory     informers.SharedInformerFactory
	namespaces  listersv1.NamespaceLister
	limitRanges listersv1.LimitRangeLister
	synced      []cache.InformerSynced

	// around caches, per namespace, the inventory of its LimitRanges that
	// scan.Evaluator judges findings against; gen counts LimitRange
	// changes, and an entry of an older generation is built again.
	gen    atomic.Uint64
	mu     sync.RWMutex
	around map[string]aroundEntry

	// For the contextual checks (nil when no policy has one):
	// ServiceAccounts, and the bindings indexed by the subjects they name.
	serviceAccounts     listersv1.ServiceAccountLister
	roleBindings        cache.Indexer
	clusterRoleBindings cache.Indexer
}

// bySubject indexes bindings by the subjects they name: a ServiceAccount
// as "sa:NAMESPACE/NAME", a group as "group:NAME".
const bySubject = "subject"

func subjectKeys(obj any) ([]string, error) {
	var subjects []rbacv1.Subject
	switch b := obj.(type) {
	case *rbacv1.RoleBinding:
		subjects = b.Subjects
	case *rbacv1.ClusterRoleBinding:
		subjects = b.Subjects
	}
	keys := make([]string, 0, len(subjects))
	for _, s := range subjects {
		switch s.Kind {
		case rbacv1.ServiceAccountKind:
			ns := s.Namespace
			if ns == "" {
				if rb, ok := obj.(*rbacv1.RoleBinding); ok {
					ns = rb.Namespace // as the RBAC authorizer reads it
				}
			}
			keys = append(keys, "sa:"+ns+"/"+s.Name)
		case rbacv1.GroupKind:
			keys = append(keys, "group:"+s.Name)
		}
	}
	return keys, nil
}

type aroundEntry struct {
	gen uint64
	inv *inventory.Inventory
}

func newClusterState(client kubernetes.Interface, resync time.Duration, contextual bool) *clusterState {
	f := informers.NewSharedInformerFactory(client, resync)
	ns := f.Core().V1().Namespaces()
	lr := f.Core().V1().LimitRanges()
	c := &clusterState{
		client:      client,
		factory:     f,
		namespaces:  ns.Lister(),
		limitRanges: lr.Lister(),
		synced:      []cache.InformerSynced{ns.Informer().HasSynced, lr.Informer().HasSynced},
		around:      map[string]aroundEntry{},
	}
	if contextual {
		sa := f.Core().V1().ServiceAccounts()
		rb := f.Rbac().V1().RoleBindings().Informer()
		crb := f.Rbac().V1().ClusterRoleBindings().Informer()
		for _, inf := range []cache.SharedIndexInformer{rb, crb} {
			if err := inf.AddIndexers(cache.Indexers{bySubject: subjectKeys}); err != nil {
				panic(err) // only before the informer starts, as here
			}
		}
		c.serviceAccounts, c.roleBindings, c.clusterRoleBindings = sa.Lister(), rb.GetIndexer(), crb.GetIndexer()
		c.synced = append(c.synced, sa.Informer().HasSynced, rb.HasSynced, crb.HasSynced)
	}
	bump := func(any) { c.gen.Add(1) }
	_, _ = lr.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    bump,
		UpdateFunc: func(any, any) { c.gen.Add(1) },
		DeleteFunc: bump,
	})
	return c
}

// start runs the informers until ctx ends.
func (c *clusterState) start(ctx context.Context) { c.factory.Start(ctx.Done()) }

// waitForSync blocks until every informer has listed once, or ctx ends.
func (c *clusterState) waitForSync(ctx context.Context) bool {
	return cache.WaitForCacheSync(ctx.Done(), c.synced...)
}

// namespace returns the namespace name: from the cache, or, when the cache
// does not hold it yet, from the API server.
func (c *clusterState) namespace(ctx context.Context, name string) (*corev1.Namespace, error) {
	ns, err := c.namespaces.Get(name)
	if err == nil {
		return ns, nil
	}
	if !apierrors.IsNotFound(err) {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	ns, err = c.client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("namespace %q: %w", name, err)
	}
	return ns, nil
}

// aroundOf returns the inventory of what the cluster holds beside an
// admitted object in namespace ns that a finding may be excused by (its
// LimitRanges), or nil when there is nothing.
func (c *clusterState) aroundOf(ns string) *inventory.Inventory {
	if ns == "" {
		return nil
	}
	gen := c.gen.Load()
	c.mu.RLock()
	e, ok := c.around[ns]
	c.mu.RUnlock()
	if ok && e.gen == gen {
		return e.inv
	}
	lrs, err := c.limitRanges.LimitRanges(ns).List(labels.Everything())
	var inv *inventory.Inventory
	if err == nil && len(lrs) > 0 {
		inv = inventory.New()
		for _, lr := range lrs {
			// The cache's objects are shared: they are wrapped, never
			// changed (object.New would set their kind).
			inv.Add(&object.Object{Origin: object.Origin{Source: object.FromCluster}, APIVersion: "v1", Kind: "LimitRange", Typed: lr, Meta: &lr.ObjectMeta})
		}
	}
	c.mu.Lock()
	c.around[ns] = aroundEntry{gen: gen, inv: inv}
	c.mu.Unlock()
	return inv
}

// context returns the objects the contextual checks read beside the
// workloads of inv: each pod's ServiceAccount, when the cache holds it, and
// the bindings that name it or the group of its namespace's accounts (the
// bindings service-account-token-automount counts).
func (c *clusterState) context(inv *inventory.Inventory) []*object.Object {
	if c.serviceAccounts == nil {
		return nil
	}
	var out []*object.Object
	seen := map[string]bool{}
	for _, w := range inv.Workloads {
		ns := w.Namespace()
		name := podServiceAccount(w.Spec)
		if ns == "" || seen[ns+"/"+name] {
			continue
		}
		seen[ns+"/"+name] = true
		if sa, err := c.serviceAccounts.ServiceAccounts(ns).Get(name); err == nil {
			out = append(out, &object.Object{Origin: object.Origin{Source: object.FromCluster}, APIVersion: "v1", Kind: "ServiceAccount", Typed: sa, Meta: &sa.ObjectMeta})
		}
		for _, key := range []string{"sa:" + ns + "/" + name, "group:system:serviceaccounts:" + ns} {
			for _, idx := range []cache.Indexer{c.roleBindings, c.clusterRoleBindings} {
				items, _ := idx.ByIndex(bySubject, key)
				for _, it := range items {
					switch b := it.(type) {
					case *rbacv1.RoleBinding:
						if k := "rb:" + b.Namespace + "/" + b.Name; !seen[k] {
							seen[k] = true
							out = append(out, &object.Object{Origin: object.Origin{Source: object.FromCluster}, APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding", Typed: b, Meta: &b.ObjectMeta})
						}
					case *rbacv1.ClusterRoleBinding:
						if k := "crb:" + b.Name; !seen[k] {
							seen[k] = true
							out = append(out, &object.Object{Origin: object.Origin{Source: object.FromCluster}, APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding", Typed: b, Meta: &b.ObjectMeta})
						}
					}
				}
			}
		}
	}
	return out
}

// podServiceAccount is the ServiceAccount a pod runs as, by the API's rule:
// serviceAccountName, else the deprecated serviceAccount, else "default".
func podServiceAccount(spec *corev1.PodSpec) string {
	switch {
	case spec.ServiceAccountName != "":
		return spec.ServiceAccountName
	case spec.DeprecatedServiceAccount != "":
		return spec.DeprecatedServiceAccount
	}
	return "default"
}
