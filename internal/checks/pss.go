package checks

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	if len(inv.Workloads) == 0 {
		return nil
	}
	ctl, ok := pss.For(opts.PSS).Control(c.psaID)
	if !ok {
		return c.runOverridden(inv, opts)
	}
	version := pss.VersionString(opts.PSS.Version)
	var out []check.Finding
	for _, w := range inv.Workloads {
		r := ctl.Check(w.PodMeta, w.Spec)
		if r.Allowed {
			continue
		}
		locate, sev := c.locate, c.severity(ctl, w, opts)
		forbids := func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool { return !ctl.Check(meta, spec).Allowed }
		if len(ctl.Overrides) > 0 {
			// What the replaced baseline controls forbid is reported by
			// their own checks (see runOverridden); this one reports the
			// rest, as PSA words it for the pod without those values.
			if meta, spec, stripped := withoutBaselineViolations(ctl, opts, w.PodMeta, w.Spec); stripped {
				forbids = func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool {
					meta, spec, _ = withoutBaselineViolations(ctl, opts, meta, spec)
					return !ctl.Check(meta, spec).Allowed
				}
				r = ctl.Check(meta, spec)
				if r.Allowed {
					continue
				}
				if l := restrictedOnlyLocate[c.psaID]; l != nil {
					locate = l
				}
				sev = 0 // the baseline part, graded, is the baseline check's
				if c.grade != nil {
					sev = c.grade(w)
				}
			}
		}
		path := ""
		if locate != nil {
			path = locate(w)
		}
		if path == "" {
			path = w.SpecPath
		}
		out = append(out, check.Finding{
			Object:   w.Object,
			Path:     path,
			Related:  otherContainers(w, path, r.ForbiddenDetail, locate, forbids),
			Reason:   r.ForbiddenReason,
			Detail:   r.ForbiddenDetail,
			Severity: sev,
			PSS:      &check.PSS{Level: string(ctl.Level), Version: version, Check: c.psaID},
		})
	}
	return out
}

// runOverridden runs a baseline control that a restricted control replaces
// at the scan's level and version (capabilities_baseline under
// capabilities_restricted, seccompProfile_baseline under
// seccompProfile_restricted, hostPathVolumes under restrictedVolumes). PSA
// judges the pod by the restricted control alone, but a pod that breaks the
// baseline control is reported under the baseline check's ID, so that
// --check and exemptions keyed on it keep working at every level. The
// finding is the baseline control's reason and detail; its PSS reference
// names the restricted control in force, whose verdict it is part of, and
// it is reported only when that control forbids the pod too.
func (c pssCheck) runOverridden(inv *inventory.Inventory, opts check.Options) []check.Finding {
	over := overridingControl(opts, c.psaID)
	if over == nil {
		return nil
	}
	ctl, ok := pss.For(api.LevelVersion{Level: api.LevelBaseline, Version: opts.PSS.Version}).Control(c.psaID)
	if !ok {
		return nil
	}
	version := pss.VersionString(opts.PSS.Version)
	var out []check.Finding
	for _, w := range inv.Workloads {
		r := ctl.Check(w.PodMeta, w.Spec)
		if r.Allowed || over.Check(w.PodMeta, w.Spec).Allowed {
			continue
		}
		path := ""
		if c.locate != nil {
			path = c.locate(w)
		}
		if path == "" {
			path = w.SpecPath
		}
		var sev check.Severity
		if c.grade != nil {
			sev = c.grade(w)
		}
		forbids := func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool { return !ctl.Check(meta, spec).Allowed }
		out = append(out, check.Finding{
			Object:   w.Object,
			Path:     path,
			Related:  otherContainers(w, path, r.ForbiddenDetail, c.locate, forbids),
			Reason:   r.ForbiddenReason,
			Detail:   r.ForbiddenDetail,
			Severity: sev,
			PSS:      &check.PSS{Level: string(over.Level), Version: version, Check: over.ID},
		})
	}
	return out
}

// overridingControl returns the restricted control in force at the scan's
// level and version that replaces the baseline control id, or nil.
func overridingControl(opts check.Options, id string) *pss.Control {
	if opts.PSS.Level != api.LevelRestricted {
		return nil
	}
	controls := pss.For(opts.PSS).Controls()
	for i := range controls {
		for _, o := range controls[i].Overrides {
			if o == id {
				return &controls[i]
			}
		}
	}
	return nil
}

// withoutBaselineViolations returns the pod of w with the values that the
// baseline controls ctl replaces forbid changed to values they allow (see
// baselineFix), and whether any of them forbade the pod.
func withoutBaselineViolations(ctl *pss.Control, opts check.Options, meta *metav1.ObjectMeta, spec *corev1.PodSpec) (*metav1.ObjectMeta, *corev1.PodSpec, bool) {
	baseline := pss.For(api.LevelVersion{Level: api.LevelBaseline, Version: opts.PSS.Version})
	stripped := false
	for _, id := range ctl.Overrides {
		b, ok := baseline.Control(id)
		fix := baselineFix[id]
		if !ok || fix == nil || b.Check(meta, spec).Allowed {
			continue
		}
		if !stripped {
			meta, spec = meta.DeepCopy(), spec.DeepCopy()
			if meta == nil {
				meta = &metav1.ObjectMeta{}
			}
			stripped = true
		}
		fix(b, meta, spec)
	}
	return meta, spec, stripped
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
