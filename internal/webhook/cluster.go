package webhook

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
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
}

type aroundEntry struct {
	gen uint64
	inv *inventory.Inventory
}

func newClusterState(client kubernetes.Interface, resync time.Duration) *clusterState {
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
