package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestride/kubestride/internal/object"
)

// Options tune Collect.
type Options struct {
	// Namespace, when set, limits the scan to one namespace: namespaced
	// kinds are listed there only, the Namespace object is read, and
	// cluster-scoped kinds are not listed.
	Namespace string
	// IncludeSecrets reads Secrets whole; by default only their metadata and
	// type are read.
	IncludeSecrets bool
	// SkipSecrets does not list Secrets at all (for an identity that may not
	// list them); the result says so under Skipped.
	SkipSecrets bool
	// PageSize is the number of objects asked for per page; 0 means 500.
	PageSize int64
	// Workers is the number of lists run at once; 0 means 8.
	Workers int
	// Timeout bounds the whole collection; a list not complete when it
	// passes is a Gap with reason "scan-timeout". 0 means no bound beyond
	// ctx's.
	Timeout time.Duration
	// MaxPages is the most pages read of one list; a list that would need
	// more is a Gap with reason "paging". 0 means DefaultMaxPages.
	MaxPages int
	// Progress, when set, is called from the emitting goroutine as lists
	// finish and objects arrive.
	Progress func(Progress)
	// Observe, when set, sees every object listed, including the pods and
	// controllers counted on an owner instead of being emitted. It runs on
	// the listing goroutines and must be safe for concurrent use.
	Observe func(*object.Object)
	// Dynamic lists the custom resources the checks judge
	// (CustomResources) that discovery shows the server serves; when nil,
	// they are not listed, and the result says so under Skipped.
	Dynamic dynamic.Interface
}

// DefaultMaxPages is the page limit per list when Options.MaxPages is 0:
// with the default page size, a million objects of one kind.
const DefaultMaxPages = 2000

// Progress is how far a collection has come.
type Progress struct {
	// Kinds is the number of lists to run, Done the number finished.
	Kinds, Done int
	// Objects is the number of objects received.
	Objects int
}

// Result is what a collection covered.
type Result struct {
	// Listed counts the objects received per resource, including pods and
	// controllers counted on an owner rather than scanned themselves.
	Listed map[string]int
	// Skipped lists resources deliberately not listed, with why.
	Skipped map[string]string
	// Gaps lists the lists that could not be completed, sorted.
	Gaps []object.Gap
	// OwnedPods counts, per top-level owner, the pods that run under it and
	// were counted on it instead of being scanned one by one.
	OwnedPods map[types.UID]int
}

// item is one object on its way to the emitter, or (obj nil) the end of a
// list.
type item[P any] struct {
	obj      *object.Object
	prepared P
}

// Collect lists the cluster behind cs and passes every object to emit, from
// the calling goroutine. prepare, when not nil, runs on each object on every
// core, apart from the goroutines that fetch pages, before it is emitted; its
// result is passed to emit, and it must be safe for concurrent use. Collect
// returns what it covered — every list that failed is a Gap, even when all
// of them failed — and an error only when ctx ended first.
func Collect[P any](ctx context.Context, cs kubernetes.Interface, opts Options, prepare func(*object.Object) P, emit func(*object.Object, P)) (*Result, error) {
	if opts.PageSize <= 0 {
		opts.PageSize = 500
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.MaxPages <= 0 {
		opts.MaxPages = DefaultMaxPages
	}
	// Lists and the waits between them run under lctx, which the time limit
	// ends; objects already listed still reach emit under ctx.
	lctx, cancel := ctx, context.CancelFunc(func() {})
	if opts.Timeout > 0 {
		lctx, cancel = context.WithTimeout(ctx, opts.Timeout)
	}
	defer cancel()
	c := &collector{
		cs: cs, opts: opts,
		res:    &Result{Listed: map[string]int{}, Skipped: map[string]string{}, OwnedPods: map[types.UID]int{}},
		owners: map[types.UID]*controller{},
		ctx:    ctx,
		lctx:   lctx,
		// Room for two pages, so fetching the next page does not wait for
		// this one to be checked.
		prep:              make(chan *object.Object, 2*opts.PageSize),
		controllersListed: make(chan struct{}),
		ownersListed:      make(chan struct{}),
	}
	var jobs [3][]job
	for _, r := range resources {
		switch {
		case opts.Namespace != "" && !r.Namespaced && r.Name != "namespaces":
			c.res.Skipped[r.Name] = "cluster-scoped; not listed in a namespace scan"
			continue
		case r.Name == "namespaces" && opts.Namespace != "":
			jobs[0] = append(jobs[0], job{res: r, get: opts.Namespace})
			continue
		}
		jobs[phase(r)] = append(jobs[phase(r)], job{res: r, ns: opts.Namespace})
	}
	jobs[0] = append(jobs[0], c.customJobs()...)
	if opts.SkipSecrets {
		c.res.Skipped["secrets"] = "not listed (--no-secrets)"
	} else {
		jobs[0] = append(jobs[0], job{secrets: true, ns: opts.Namespace})
	}
	c.progress.Kinds = len(jobs[0]) + len(jobs[1]) + len(jobs[2])

	items := make(chan item[P], 256)
	c.listDone = func() { items <- item[P]{} }
	done := make(chan struct{})
	var preparers sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		preparers.Add(1)
		go func() {
			defer preparers.Done()
			for obj := range c.prep {
				var prepared P
				if prepare != nil {
					prepared = prepare(obj)
				}
				select {
				case items <- item[P]{obj: obj, prepared: prepared}:
				case <-ctx.Done():
				}
			}
		}()
	}
	go func() {
		defer close(done)
		// The lists of what controllers own (ReplicaSets and Jobs, then
		// pods) start at once, beside the controllers' own, each on its
		// own goroutine: an object whose controller is not known yet waits
		// in add until every list that could hold that controller is
		// complete, so the long pod list is not held back by the many short
		// ones when pods have no controller or a known one.
		var owned, phase1 sync.WaitGroup
		waits := [len(jobs)]chan struct{}{1: c.controllersListed, 2: c.ownersListed}
		for i := 1; i < len(jobs); i++ {
			for _, j := range jobs[i] {
				j.wait = waits[i]
				owned.Add(1)
				if i == 1 {
					phase1.Add(1)
				}
				go func() {
					defer owned.Done()
					c.list(lctx, j)
					c.listDone()
					if i == 1 {
						phase1.Done()
					}
				}()
			}
		}
		c.run(lctx, jobs[0])
		close(c.controllersListed)
		phase1.Wait()
		close(c.ownersListed)
		owned.Wait()
		close(c.prep)
		preparers.Wait()
		close(items)
	}()
	for it := range items {
		if it.obj == nil {
			c.progress.Done++ // a list finished
		} else {
			c.progress.Objects++
			emit(it.obj, it.prepared)
		}
		if opts.Progress != nil {
			opts.Progress(c.progress)
		}
	}
	<-done
	sort.Slice(c.res.Gaps, func(i, j int) bool {
		a, b := c.res.Gaps[i], c.res.Gaps[j]
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.Namespace < b.Namespace
	})
	return c.res, ctx.Err()
}

// phase groups the lists by what an object may be owned by: controllers
// (phase 0), the controllers other controllers own (ReplicaSets and Jobs,
// phase 1), and pods (phase 2).
func phase(r resource) int {
	switch r.Name {
	case "replicasets.apps", "jobs.batch":
		return 1
	case "pods":
		return 2
	}
	return 0
}

type job struct {
	res     resource
	ns      string
	get     string // read one named object instead of listing
	secrets bool
	// wait, when set, is closed once every list that could hold the
	// controller of an object of this list is complete.
	wait chan struct{}
}

type collector struct {
	cs   kubernetes.Interface
	opts Options
	// listDone tells the emitter that a list is complete.
	listDone func()
	prep     chan *object.Object
	mu       sync.Mutex
	res      *Result
	owners   map[types.UID]*controller
	progress Progress
	// ctx is Collect's; lctx, the context of the lists, is ctx with the
	// time limit.
	ctx, lctx context.Context
	// controllersListed is closed when the lists of phase 0 are complete,
	// ownersListed when those of phase 1 are too.
	controllersListed, ownersListed chan struct{}
}

// run runs a phase's lists on the worker pool and waits for them.
func (c *collector) run(ctx context.Context, jobs []job) {
	next := make(chan job)
	var wg sync.WaitGroup
	for w := 0; w < c.opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				c.list(ctx, j)
				c.listDone()
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}

func (c *collector) list(ctx context.Context, j job) {
	name := j.res.Name
	want := j.res.GVK.Kind
	var p pager
	switch {
	case j.secrets:
		name, want = "secrets", secretGVK.Kind
		p = c.secretPager(j.ns)
	case j.get != "":
		p = c.getNamespace(j.get)
	default:
		p = func(ctx context.Context, o metav1.ListOptions) (page, error) { return j.res.list(ctx, c.cs, j.ns, o) }
	}
	opts := metav1.ListOptions{Limit: c.opts.PageSize}
	seen := map[string]bool{}
	pages := 0
	for {
		if ctx.Err() != nil {
			if c.timedOut() {
				c.timeoutGap(name, j.ns, pages > 0)
			}
			return
		}
		if pages == c.opts.MaxPages {
			c.gapf(name, j.ns, "paging", true, "stopped after %d pages of %d: the server kept returning a continue token", pages, c.opts.PageSize)
			return
		}
		pg, err := p(ctx, opts)
		if err == nil {
			err = checkKinds(pg, want)
		}
		if err != nil {
			if c.opts.Timeout > 0 && !c.timedOut() && strings.Contains(err.Error(), "would exceed context deadline") {
				// client-go's rate limiter refuses a wait that would pass
				// the deadline before the deadline comes. When the deadline
				// is the collection's, it comes within that wait.
				select {
				case <-ctx.Done():
				case <-time.After(limiterGrace):
				}
			}
			if c.timedOut() {
				c.timeoutGap(name, j.ns, pages > 0)
			} else {
				c.gap(name, j.ns, err, pages > 0)
			}
			return
		}
		pages++
		for _, it := range pg.items {
			if !c.add(ctx, j, name, it) {
				c.timeoutGap(name, j.ns, true)
				return
			}
		}
		if pg.continue_ == "" {
			return
		}
		if seen[pg.continue_] {
			c.gapf(name, j.ns, "paging", true, "stopped at page %d: the server returned a continue token it had returned before", pages)
			return
		}
		seen[pg.continue_] = true
		opts.Continue = pg.continue_
	}
}

// wrongKindError is a response, or an item of one, of another kind than
// the one asked for.
type wrongKindError struct{ want, got string }

func (e wrongKindError) Error() string {
	return fmt.Sprintf("asked for %s, the server answered with %s", e.want, e.got)
}

// checkKinds returns a wrongKindError when the page, or an item in it,
// says it is of another kind than want. Kinds left empty (as protobuf
// lists leave their items') are taken as asked for.
func checkKinds(pg page, want string) error {
	if pg.kind != "" && pg.kind != want+"List" {
		return wrongKindError{want + "List", pg.kind}
	}
	for _, it := range pg.items {
		if k := it.obj.GetObjectKind().GroupVersionKind().Kind; k != "" && k != want {
			return wrongKindError{want, "an item of kind " + k}
		}
	}
	return nil
}

// timedOut reports whether the collection's time limit has passed.
func (c *collector) timedOut() bool {
	return c.opts.Timeout > 0 && errors.Is(c.lctx.Err(), context.DeadlineExceeded)
}

// limiterGrace is how long a list refused by the client's rate limiter for
// want of time waits to see whether the collection's time limit passes.
const limiterGrace = 5 * time.Second

func (c *collector) timeoutGap(resource, ns string, partial bool) {
	c.gapf(resource, ns, "scan-timeout", partial, "the collection's time limit of %s passed before the list was complete", c.opts.Timeout)
}

type pager func(ctx context.Context, o metav1.ListOptions) (page, error)

func (c *collector) getNamespace(name string) pager {
	return func(ctx context.Context, _ metav1.ListOptions) (page, error) {
		ns, err := c.cs.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return page{}, err
		}
		return page{items: []listed{{obj: ns, meta: &ns.ObjectMeta}}}, nil
	}
}

// add records one listed object and sends it on, unless it is the product
// of a controller that was listed (see fold.go), in which case it is counted
// on that controller's top-level owner. It returns false when ctx ended
// before the object could be judged.
func (c *collector) add(ctx context.Context, j job, name string, it listed) bool {
	meta := it.meta
	meta.ManagedFields = nil
	gvk := j.res.GVK
	if j.secrets {
		gvk = secretGVK
	}
	it.obj.GetObjectKind().SetGroupVersionKind(gvk)
	obj := object.New(it.obj, meta)
	if it.raw != nil {
		// A custom resource: as from a file, JSON and no typed object.
		obj.Typed, obj.Raw = nil, it.raw
	}
	obj.Origin.Source = object.FromCluster
	if c.opts.Observe != nil {
		c.opts.Observe(obj)
	}
	c.mu.Lock()
	c.res.Listed[name]++
	c.mu.Unlock()

	var (
		owner  *controller
		claim  *object.OwnerClaim
		folded bool
	)
	if ref, i := claimedController(meta); i >= 0 && makes[gvk.Kind] != nil {
		owner = c.owner(ref.UID)
		if owner == nil && j.wait != nil && !closed(j.wait) {
			// Its controller may be in a list not yet complete.
			select {
			case <-j.wait:
			case <-ctx.Done():
				return false
			}
			owner = c.owner(ref.UID)
		}
		// A controller whose list failed cannot be judged; that list is
		// a Gap already, and the object is scanned on its own.
		if owner != nil || !c.failed(ref.Kind) {
			claim = judge(it.obj, meta, ref, i, owner)
			folded = claim == nil
		}
	}
	if isController(gvk.Kind) {
		ctl := newController(it.obj, meta)
		ctl.top = meta.UID
		if folded {
			ctl.top = owner.top
		}
		c.mu.Lock()
		c.owners[meta.UID] = ctl
		c.mu.Unlock()
	}
	if folded {
		if gvk.Kind == "Pod" {
			c.mu.Lock()
			c.res.OwnedPods[owner.top]++
			c.mu.Unlock()
		}
		return true
	}
	obj.Claim = claim
	select {
	case c.prep <- obj:
	case <-c.ctx.Done():
	}
	return true
}

// owner returns the listed controller with uid, or nil.
func (c *collector) owner(uid types.UID) *controller {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.owners[uid]
}

// failed reports whether the list of kind could not be completed.
func (c *collector) failed(kind string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, g := range c.res.Gaps {
		for _, r := range resources {
			if r.GVK.Kind == kind && r.Name == g.Resource {
				return true
			}
		}
	}
	return false
}

// closed reports whether ch is closed.
func closed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func (c *collector) gap(resource, ns string, err error, partial bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.res.Gaps = append(c.res.Gaps, object.Gap{Resource: resource, Namespace: ns, Reason: reason(err), Message: message(err), Partial: partial})
}

func (c *collector) gapf(resource, ns, reason string, partial bool, format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.res.Gaps = append(c.res.Gaps, object.Gap{Resource: resource, Namespace: ns, Reason: reason, Message: fmt.Sprintf(format, args...), Partial: partial})
}

// reason classifies a list error.
func reason(err error) string {
	var ne net.Error
	var wk wrongKindError
	switch {
	case errors.As(err, &wk):
		return "wrong-kind"
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err):
		return "forbidden"
	case apierrors.IsTimeout(err), apierrors.IsServerTimeout(err), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout(), strings.Contains(err.Error(), "Client.Timeout exceeded"):
		return "timeout"
	case apierrors.IsServiceUnavailable(err), apierrors.IsNotFound(err), apierrors.IsTooManyRequests(err):
		return "unavailable"
	}
	return "error"
}

func message(err error) string {
	var se apierrors.APIStatus
	if errors.As(err, &se) && se.Status().Message != "" {
		return se.Status().Message
	}
	return err.Error()
}
