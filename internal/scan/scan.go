package scan

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/source"
)

// IgnoreAnnotationPrefix starts the annotation that suppresses one check on
// one object: kubestride.io/ignore.<check-id>: "<reason>".
const IgnoreAnnotationPrefix = "kubestride.io/ignore."

// Options configure a scan.
type Options struct {
	// Registry is the catalogue; nil means check.Default().
	Registry *check.Registry
	// Config holds overrides and exemptions; nil means none.
	Config *config.Config
	// Check is passed to every check.
	Check check.Options
	// Only, when not empty, restricts the scan to these checks (optional
	// ones included).
	Only []check.ID
	// Now is the time exemptions are judged against.
	Now time.Time
	// Tool names the program in the report.
	Tool report.Tool
	// Settings are recorded in the report for renderers.
	Settings report.Settings
}

// Run scans inv. loadErrs are the input problems found while loading; they
// are carried into the report so it lists everything that could not be read.
func Run(ctx context.Context, inv *inventory.Inventory, loadErrs []source.Error, opts Options) *report.Report {
	reg := opts.Registry
	if reg == nil {
		reg = check.Default()
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = &config.Config{}
	}
	r := &report.Report{SchemaVersion: report.SchemaVersion, Tool: opts.Tool, Settings: opts.Settings}
	for _, e := range loadErrs {
		r.Errors = append(r.Errors, report.Error{File: e.File, Line: e.Line, Message: e.Message})
	}

	checks := selectChecks(reg, cfg, opts.Only)
	for _, c := range checks {
		r.Rules = append(r.Rules, c.Meta())
	}
	results := runChecks(ctx, checks, inv, opts.Check)

	j := joiner{cfg: cfg, now: opts.Now, notes: map[string]bool{}}
	for i, res := range results {
		meta := checks[i].Meta()
		if res.err != "" {
			r.Errors = append(r.Errors, report.Error{Message: fmt.Sprintf("check %s could not be evaluated: %s", meta.ID, res.err)})
			continue
		}
		for _, f := range res.findings {
			r.Findings = append(r.Findings, j.join(meta, f))
		}
	}
	for i := range cfg.Exemptions {
		e := &cfg.Exemptions[i]
		if e.Expired(opts.Now) {
			j.notice(cfg.File, e.Line, fmt.Sprintf("exemption %s expired on %s and no longer applies (reason was: %s)", describeExemption(e), e.Expires, e.Reason))
		}
	}
	r.Notices = j.notices
	r.Finalize()
	return r
}

func selectChecks(reg *check.Registry, cfg *config.Config, only []check.ID) []check.Check {
	var out []check.Check
	wanted := map[check.ID]bool{}
	for _, id := range only {
		wanted[id] = true
	}
	for _, c := range reg.All() {
		m := c.Meta()
		cc := cfg.Checks[m.ID]
		switch {
		case len(only) > 0:
			if !wanted[m.ID] {
				continue
			}
		case cc.Disabled:
			continue
		case m.Optional && !cc.Enabled:
			continue
		}
		out = append(out, c)
	}
	return out
}

type result struct {
	findings []check.Finding
	err      string
}

// runChecks runs the checks on as many goroutines as there are CPUs. The
// results keep the checks' order, so the report does not depend on timing.
func runChecks(ctx context.Context, checks []check.Check, inv *inventory.Inventory, opts check.Options) []result {
	results := make([]result, len(checks))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = runOne(ctx, checks[i], inv, opts)
			}
		}()
	}
	for i := range checks {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

func runOne(ctx context.Context, c check.Check, inv *inventory.Inventory, opts check.Options) (res result) {
	if err := ctx.Err(); err != nil {
		return result{err: err.Error()}
	}
	defer func() {
		if p := recover(); p != nil {
			res = result{err: fmt.Sprintf("internal error: %v", p)}
		}
	}()
	fs := c.Run(ctx, inv, opts)
	if err := ctx.Err(); err != nil {
		return result{err: err.Error()}
	}
	return result{findings: fs}
}

type joiner struct {
	cfg     *config.Config
	now     time.Time
	notices []report.Notice
	notes   map[string]bool
}

func (j *joiner) notice(file string, line int, msg string) {
	key := fmt.Sprintf("%s:%d:%s", file, line, msg)
	if j.notes[key] {
		return
	}
	j.notes[key] = true
	j.notices = append(j.notices, report.Notice{File: file, Line: line, Message: msg})
}

func (j *joiner) join(meta check.Meta, f check.Finding) report.Finding {
	sev := meta.Severity
	if f.Severity.Valid() {
		sev = f.Severity
	}
	if s := j.cfg.Checks[meta.ID].Severity; s != "" {
		if v, err := check.ParseSeverity(s); err == nil {
			sev = v
		}
	}
	out := report.Finding{
		ID:          meta.ID,
		Category:    meta.Category,
		Severity:    sev,
		Title:       meta.Title,
		Message:     f.Message(),
		Reason:      f.Reason,
		Field:       f.Path,
		Remediation: meta.Remediation,
		PSS:         f.PSS,
	}
	if o := f.Object; o != nil {
		out.Resource = report.Resource{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace(), Name: o.Name()}
		if o.Origin.File != "" {
			out.Location = &report.Location{File: o.Origin.File, Line: o.Line(f.Path)}
		}
		out.Suppressed = j.suppression(meta.ID, o)
	}
	return out
}

// suppression finds an annotation or a live exemption covering the finding.
func (j *joiner) suppression(id check.ID, o *source.Object) *report.Suppression {
	if reason, ok := o.Meta.Annotations[IgnoreAnnotationPrefix+string(id)]; ok {
		if strings.TrimSpace(reason) != "" {
			return &report.Suppression{Kind: "annotation", Reason: reason}
		}
		j.notice(o.Origin.File, o.Line("metadata.annotations"), fmt.Sprintf("%s %q: annotation %s%s has no reason, so it does not suppress the finding", o.Kind, o.Name(), IgnoreAnnotationPrefix, id))
	}
	for i := range j.cfg.Exemptions {
		e := &j.cfg.Exemptions[i]
		if e.Expired(j.now) || !e.Matches(id, o.Kind, o.Namespace(), o.Name()) {
			continue
		}
		return &report.Suppression{Kind: "exemption", Reason: e.Reason, Expires: e.Expires}
	}
	return nil
}

func describeExemption(e *config.Exemption) string {
	var parts []string
	for _, p := range []struct{ k, v string }{{"namespace", e.Namespace}, {"kind", e.Kind}, {"name", e.Name}} {
		if p.v != "" {
			parts = append(parts, p.k+"="+p.v)
		}
	}
	if len(e.Checks) > 0 {
		ids := make([]string, len(e.Checks))
		for i, c := range e.Checks {
			ids[i] = string(c)
		}
		sort.Strings(ids)
		parts = append(parts, "checks="+strings.Join(ids, ","))
	}
	if len(parts) == 0 {
		return "(all findings)"
	}
	return "(" + strings.Join(parts, " ") + ")"
}
