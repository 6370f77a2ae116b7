package checks

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

// resourceSetting is one resource setting a container must have: the CPU
// limit, the memory request, and so on.
type resourceSetting struct {
	// Resource is the resource name: cpu, memory, ephemeral-storage.
	Resource corev1.ResourceName
	// Limit selects resources.limits; false selects resources.requests.
	Limit bool
}

// field returns the setting's field relative to a container, as in
// resources.limits.cpu.
func (s resourceSetting) field() string {
	list := "resources.requests"
	if s.Limit {
		list = "resources.limits"
	}
	return fieldpath.Key(list, string(s.Resource))
}

// in reports whether r provides the setting. A request is also provided by
// a limit on the same resource, which the API server copies into the
// request when the request is unset.
func (s resourceSetting) in(r *corev1.ResourceRequirements) bool {
	if r == nil {
		return false
	}
	if _, ok := r.Limits[s.Resource]; ok {
		return true
	}
	if s.Limit {
		return false
	}
	_, ok := r.Requests[s.Resource]
	return ok
}

// defaultedBy reports whether a LimitRange item fills the setting in for
// containers that leave it unset. The LimitRanger admission plugin uses the
// item's default for limits and its defaultRequest for requests, and the
// API server defaults those in turn: default from max, defaultRequest from
// default and then from min.
func (s resourceSetting) defaultedBy(item *corev1.LimitRangeItem) bool {
	if item.Type != corev1.LimitTypeContainer {
		return false
	}
	lists := []corev1.ResourceList{item.Default, item.Max}
	if !s.Limit {
		lists = append(lists, item.DefaultRequest, item.Min)
	}
	for _, l := range lists {
		if _, ok := l[s.Resource]; ok {
			return true
		}
	}
	return false
}

// resourceCheck builds a check that reports each init and regular container
// without the setting. It stays quiet for a workload whose pod-level
// spec.resources provides the setting (it bounds the whole pod), and drops
// its findings when the namespace has a LimitRange in the scan that defaults
// the setting (judged once every object is loaded, wherever the LimitRange
// is). Ephemeral containers are left out: the API forbids resources on them.
func resourceCheck(meta check.Meta, s resourceSetting, reason string) check.Check {
	return perWorkload(meta, func(w *inventory.Workload, _ check.Options) []check.Finding {
		if s.in(w.Spec.Resources) {
			return nil
		}
		var out []check.Finding
		ns := w.Namespace()
		defaulted := func(inv *inventory.Inventory) bool { return limitRangeDefaults(inv, ns, s) }
		for _, c := range w.Containers() {
			if c.Kind == inventory.EphemeralContainer || s.in(&c.Resources) {
				continue
			}
			out = append(out, check.Finding{
				Object: w.Object,
				Path:   resourcesPath(c, s),
				Reason: reason,
				Detail: containerNoun(c) + " must set " + s.field(),
				Unless: defaulted,
			})
		}
		return out
	})
}

// limitRangeDefaults reports whether a LimitRange of namespace ns in inv
// defaults the setting.
func limitRangeDefaults(inv *inventory.Inventory, ns string, s resourceSetting) bool {
	n := inv.Namespace(ns)
	if n == nil {
		return false
	}
	for _, lr := range n.LimitRanges {
		for i := range lr.Value.Spec.Limits {
			if s.defaultedBy(&lr.Value.Spec.Limits[i]) {
				return true
			}
		}
	}
	return false
}

// resourcesPath returns the nearest existing parent of the missing setting:
// the limits or requests list, resources, or the container.
func resourcesPath(c inventory.Container, s resourceSetting) string {
	r := c.Resources
	switch {
	case s.Limit && r.Limits != nil:
		return c.Field("resources.limits")
	case !s.Limit && r.Requests != nil:
		return c.Field("resources.requests")
	case r.Limits != nil || r.Requests != nil || r.Claims != nil:
		return c.Field("resources")
	}
	return c.Path
}
