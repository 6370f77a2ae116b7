package checks

import (
	"context"

	"k8s.io/pod-security-admission/api"

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
	// grade, when set, grades a finding on w by what it exposes (0 for the
	// check's default severity).
	grade func(w *inventory.Workload) check.Severity
}

// pssSeverity holds the default severity of each control by PSA check ID.
var pssSeverity = map[string]check.Severity{}

// pssGrade holds the grade function of each control that has one, by PSA
// check ID.
var pssGrade = map[string]func(w *inventory.Workload) check.Severity{}

// registerPSS registers a Pod Security Standards check.
func registerPSS(c pssCheck) {
	c.meta.Topic = check.TopicWorkloads
	pssSeverity[c.psaID] = c.meta.Severity
	if c.grade != nil {
		pssGrade[c.psaID] = c.grade
	}
	check.Register(c)
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
			Object:   w.Object,
			Path:     path,
			Reason:   r.ForbiddenReason,
			Detail:   r.ForbiddenDetail,
			Severity: c.severity(ctl, w, opts),
			PSS:      &check.PSS{Level: string(ctl.Level), Version: version, Check: c.psaID},
		})
	}
	return out
}

// severity grades a finding: by the control's own grade function when it
// has one. A restricted control that replaces baseline ones takes, when the
// pod also breaks a replaced baseline control (a hostPath volume under
// "restricted volumes", an added SYS_ADMIN under "restricted
// capabilities"), that control's severity (as its grade function grades
// the pod) if it is higher, so raising the level never lowers how a risk is
// graded. Zero means the check's default.
func (c pssCheck) severity(ctl *pss.Control, w *inventory.Workload, opts check.Options) check.Severity {
	if c.grade != nil {
		return c.grade(w)
	}
	if len(ctl.Overrides) == 0 {
		return 0
	}
	baseline := pss.For(api.LevelVersion{Level: api.LevelBaseline, Version: opts.PSS.Version})
	var sev check.Severity
	for _, id := range ctl.Overrides {
		b, ok := baseline.Control(id)
		if !ok {
			continue
		}
		s := pssSeverity[id]
		if g := pssGrade[id]; g != nil {
			if gs := g(w); gs != 0 {
				s = gs
			}
		}
		if s <= c.meta.Severity || s <= sev {
			continue
		}
		if !b.Check(w.PodMeta, w.Spec).Allowed {
			sev = s
		}
	}
	return sev
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
