package scan

import (
	"sort"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/pss"
	"github.com/kubestride/kubestride/internal/report"
)

// Readiness tallies, per namespace of a live cluster, the running pods that
// Pod Security Admission would reject if the namespace were labelled
// enforce=baseline or enforce=restricted at a version. Every running pod
// counts, including the ones a scan reports on their controller. Add is
// safe for concurrent use.
type Readiness struct {
	version    api.Version
	baseline   *pss.Evaluator
	restricted *pss.Evaluator
	mu         sync.Mutex
	byNS       map[string]*report.NamespaceReadiness
}

// NewReadiness returns an empty tally judged at version v.
func NewReadiness(v api.Version) *Readiness {
	return &Readiness{
		version:    v,
		baseline:   pss.For(api.LevelVersion{Level: api.LevelBaseline, Version: v}),
		restricted: pss.For(api.LevelVersion{Level: api.LevelRestricted, Version: v}),
		byNS:       map[string]*report.NamespaceReadiness{},
	}
}

func (r *Readiness) ns(name string) *report.NamespaceReadiness {
	n := r.byNS[name]
	if n == nil {
		n = &report.NamespaceReadiness{Namespace: name, Version: pss.VersionString(r.version)}
		r.byNS[name] = n
	}
	return n
}

// Add counts a Namespace (for its enforce label) or a running Pod; other
// objects are ignored.
func (r *Readiness) Add(obj *object.Object) {
	switch v := obj.Typed.(type) {
	case *corev1.Namespace:
		r.mu.Lock()
		r.ns(v.Name).Enforce = v.Labels[api.EnforceLevelLabel]
		r.mu.Unlock()
	case *corev1.Pod:
		if v.Status.Phase != corev1.PodRunning {
			return
		}
		baseline := len(r.baseline.Evaluate(&v.ObjectMeta, &v.Spec)) > 0
		restricted := len(r.restricted.Evaluate(&v.ObjectMeta, &v.Spec)) > 0
		r.mu.Lock()
		n := r.ns(v.Namespace)
		n.Pods++
		if baseline {
			n.RejectedBaseline++
		}
		if restricted {
			n.RejectedRestricted++
		}
		r.mu.Unlock()
	}
}

// Result returns the tally, sorted by namespace.
func (r *Readiness) Result() []report.NamespaceReadiness {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]report.NamespaceReadiness, 0, len(r.byNS))
	for _, n := range r.byNS {
		out = append(out, *n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Namespace < out[j].Namespace })
	return out
}
