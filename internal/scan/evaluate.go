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
		}
	}
	return e
}

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
	single, _ := e.singles.Get().(*inventory.Inventory)
	if single == nil {
		single = inventory.NewWith(e.templates)
	}
	single = inventory.NewSingle(single, obj)
	defer e.singles.Put(single)
	if around == nil {
		around = single
	}
	j := joiner{cfg: e.cfg, now: now, notes: map[string]bool{}, interned: map[string]string{}, pss: map[check.PSS]*check.PSS{}}
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
			var loc *report.Location
			if c.ref != nil && c.ref.file != "" {
				loc = &report.Location{File: c.ref.file, Line: int(c.line)}
			}
			rf := joined(&e.meta[i], &c, loc)
			if f.Detail != "" {
				rf.Reason = f.Reason
			}
			findings = append(findings, rf)
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
