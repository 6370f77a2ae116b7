package scan

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
)

// Evaluator judges one object at a time with the checks whose verdict
// depends on that object alone, as an admission webhook judges a request:
// it is prepared once (checks picked, their metadata read, the
// configuration's overrides and exemptions at hand), and Evaluate then costs
// only the checks' work on the object and its findings, with no scan state
// and no report around them. It is safe for concurrent use.
type Evaluator struct {
	check     check.Options
	cfg       *config.Config
	templates *inventory.PodTemplates
	checks    []check.Check
	meta      []check.Meta
	singles   sync.Pool // of *inventory.Inventory
	// contextual are the checks of Options.Contextual, run by EvaluateWith
	// on the object with the objects the caller gives beside it.
	contextual     []check.Check
	contextualMeta []check.Meta
}

// NewEvaluator prepares an Evaluator from the scan options; Options.Only,
// Registry, Config and Check mean what they mean for a scan.
func NewEvaluator(opts Options) *Evaluator {
	reg := opts.Registry
	if reg == nil {
		reg = check.Default()
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = &config.Config{}
	}
	e := &Evaluator{check: opts.Check, cfg: cfg, templates: cfg.Templates()}
	for _, c := range selectChecks(reg, cfg, opts.Only) {
		if _, ok := c.(check.Local); ok {
			e.checks = append(e.checks, c)
			e.meta = append(e.meta, c.Meta())
		} else if m := c.Meta(); slices.Contains(opts.Contextual, m.ID) {
			e.contextual = append(e.contextual, c)
			e.contextualMeta = append(e.contextualMeta, m)
		}
	}
	return e
}

// Contextual returns the metadata of the checks of Options.Contextual the
// Evaluator runs (those the configuration does not disable).
func (e *Evaluator) Contextual() []check.Meta { return slices.Clone(e.contextualMeta) }

// Rules returns the metadata of the checks an Evaluator runs, sorted by ID.
func (e *Evaluator) Rules() []check.Meta { return slices.Clone(e.meta) }

// Evaluate runs the checks on obj and returns its findings in report order,
// joined with their checks' metadata, the configuration's severity overrides
// and the suppressions in force at now (exemptions, and annotations on
// obj); errs are the checks that could not be evaluated, so that nothing
// unevaluated passes. A finding that another object may excuse (a LimitRange
// that defaults a missing limit) is judged against around, the objects the
// caller knows of beside obj, or obj alone when around is nil.
func (e *Evaluator) Evaluate(ctx context.Context, obj *object.Object, around *inventory.Inventory, now time.Time) (findings []report.Finding, errs []report.Error) {
	return e.EvaluateWith(ctx, obj, nil, around, now)
}

// EvaluateWith is Evaluate that also runs the contextual checks
// (Options.Contextual) on an inventory of obj and with, the objects those
// checks read beside it (for service-account-token-automount, the pod's
// ServiceAccount and the bindings that name it); only their findings about
// obj are kept. The caller must give every object of with that a scan of
// the cluster would give such a check about obj, or its verdict differs.
func (e *Evaluator) EvaluateWith(ctx context.Context, obj *object.Object, with []*object.Object, around *inventory.Inventory, now time.Time) (findings []report.Finding, errs []report.Error) {
	single, _ := e.singles.Get().(*inventory.Inventory)
	if single == nil {
		single = inventory.NewWith(e.templates)
	}
	single = inventory.NewSingle(single, obj)
	defer e.singles.Put(single)
	if around == nil {
		around = single
	}
	j := joiner{cfg: e.cfg, now: now, notes: map[string]bool{}, pss: map[check.PSS]*check.PSS{}}
	for i, c := range e.checks {
		res := runOne(ctx, c, single, e.check)
		if res.err != "" {
			errs = append(errs, report.Error{Message: fmt.Sprintf("check %s could not be evaluated: %s", e.meta[i].ID, res.err)})
			continue
		}
		for _, f := range res.findings {
			if f.Unless != nil && f.Unless(around) {
				continue
			}
			c := j.join(&e.meta[i], i, f)
			rf := joined(&e.meta[i], &c, c.location())
			if f.Detail != "" {
				rf.Reason = f.Reason
			}
			findings = append(findings, rf)
		}
	}
	if len(e.contextual) > 0 {
		inv := inventory.NewWith(e.templates)
		inv.Add(obj)
		for _, o := range with {
			inv.Add(o)
		}
		for i, c := range e.contextual {
			m := &e.contextualMeta[i]
			res := runOne(ctx, c, inv, e.check)
			if res.err != "" {
				errs = append(errs, report.Error{Message: fmt.Sprintf("check %s could not be evaluated: %s", m.ID, res.err)})
				continue
			}
			for _, f := range res.findings {
				if f.Object != obj || f.Unless != nil && f.Unless(around) {
					continue
				}
				c := j.join(m, len(e.checks)+i, f)
				rf := joined(m, &c, c.location())
				if f.Detail != "" {
					rf.Reason = f.Reason
				}
				findings = append(findings, rf)
			}
		}
	}
	r := report.Report{Findings: findings}
	r.Finalize()
	return r.Findings, errs
}

// joined turns a compact finding of the check m into report form; loc is
// its location, nil when it did not come from a file.
func joined(m *check.Meta, c *compact, loc *report.Location) report.Finding {
	f := report.Finding{
		ID: m.ID, Category: m.Category, Severity: c.severity, Title: m.Title, Message: c.message,
		Field: c.field, Related: c.related, Remediation: m.Remediation, PSS: c.pss, Suppressed: c.suppressed,
	}
	if r := c.ref; r != nil {
		if sub := r.subject; sub != nil {
			f.File, f.AuditTrail, f.Image = sub.File, sub.AuditTrail, sub.Image
		} else {
			f.Resource = r.resource
		}
	}
	f.Location = loc
	return f
}
