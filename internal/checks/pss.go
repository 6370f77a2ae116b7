package checks

import (
	"context"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/pss"
)

// pssCheck reports one Pod Security Standards control. The verdict, reason
// and detail are the pod-security-admission library's, word for word; the
// check adds metadata and the path of the first offending field.
type pssCheck struct {
	meta check.Meta
	// psaID is the PSA check ID, such as "privileged".
	psaID string
	// locate returns the path of the first field the control objects to,
	// relative to the object; "" falls back to the pod spec.
	locate func(w *inventory.Workload) string
}

func (c pssCheck) Meta() check.Meta { return c.meta }

// Local marks the check as local: a control judges one pod spec.
func (pssCheck) Local() {}

func (c pssCheck) Run(_ context.Context, inv *inventory.Inventory, opts check.Options) []check.Finding {
	ctl, ok := pss.For(opts.PSS).Control(c.psaID)
	if !ok {
		return nil // not in force at this level and version
	}
	version := pss.VersionString(opts.PSS.Version)
	var out []check.Finding
	for _, w := range inv.Workloads {
		r := ctl.Check(w.PodMeta, w.Spec)
		if r.Allowed {
			continue
		}
		path := ""
		if c.locate != nil {
			path = c.locate(w)
		}
		if path == "" {
			path = w.SpecPath
		}
		out = append(out, check.Finding{
			Object: w.Object,
			Path:   path,
			Reason: r.ForbiddenReason,
			Detail: r.ForbiddenDetail,
			PSS:    &check.PSS{Level: string(ctl.Level), Version: version, Check: c.psaID},
		})
	}
	return out
}

// firstContainer returns the path of field rel in the first container for
// which bad is true, or "".
func firstContainer(w *inventory.Workload, rel string, bad func(c inventory.Container) bool) string {
	for _, c := range w.Containers() {
		if bad(c) {
			return c.Field(rel)
		}
	}
	return ""
}
