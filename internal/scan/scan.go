package scan

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/rbac"
	"github.com/kubestride/kubestride/internal/report"
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
	// Contextual names checks that are not local which an Evaluator runs
	// all the same, on the evaluated object with the objects its caller
	// gives beside it (Evaluator.EvaluateWith); a scan ignores it.
	Contextual []check.ID
	// Now is the time exemptions are judged against.
	Now time.Time
	// Tool names the program in the report.
	Tool report.Tool
	// Settings are recorded in the report for renderers.
	Settings report.Settings
	// MinSeverity, when set, leaves out findings below it (after overrides);
	// the report says how many in a notice.
	MinSeverity check.Severity
	// SourceFindings makes Report hand the findings over as a
	// report.FindingSource instead of in Findings, so that they are turned
	// into report form a chunk at a time as they are written.
	SourceFindings bool
	// EscalationPaths fills the report's Paths with the
	// privilege-escalation paths of the scanned RBAC, which the threat-model
	// view of the html and markdown formats draws.
	EscalationPaths bool
}

// Scanner is a streaming scan. Add runs the local checks on each object as
// it arrives and keeps only a summary of it (Inventory.AddSummary); Report
// runs the cross-object checks on what was kept and builds the report.
// Memory therefore grows with the findings and the summaries, not with the
// full input.
type Scanner struct {
	opts     Options
	cfg      *config.Config
	rules    []check.Meta
	local    []check.Check
	global   []check.Check
	retained *inventory.Inventory
	// templates is the table of custom resources that embed pods.
	templates *inventory.PodTemplates
	singles   sync.Pool // of *inventory.Inventory, for CheckLocal
	j         joiner
	findings  findingList
	unless    []pending
	pods      map[types.UID]int
	// localMeta and localRule (and the global ones) hold each check's
	// metadata and its index in rules, read once.
	localMeta, globalMeta []check.Meta
	localRule, globalRule []int
	errs                  []report.Error
	objects               int
	// belowMin counts the findings left out by Options.MinSeverity.
	belowMin int
	// byDesign counts, per control-plane static pod (by file and name),
	// the findings about what it needs by design (see byDesignOf), and
	// controlPlane holds those pods.
	byDesign     map[string]int
	controlPlane map[controlPlanePodKey]*host.Component
	// live tells whether an object came from a live cluster (see
	// check.Meta.NeedsCluster).
	live bool
	// unevaluated are the checks the caller found it could not evaluate
	// (see NotEvaluated), with why.
	unevaluated map[check.ID]string
}

// New starts a streaming scan.
func New(opts Options) *Scanner {
	reg := opts.Registry
	if reg == nil {
		reg = check.Default()
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = &config.Config{}
	}
	if opts.Check.Now.IsZero() {
		opts.Check.Now = opts.Now // the time exemptions and certificates are judged at
	}
	s := &Scanner{opts: opts, cfg: cfg, templates: cfg.Templates(), byDesign: map[string]int{}, controlPlane: map[controlPlanePodKey]*host.Component{}}
	s.retained = inventory.NewWith(s.templates)
	s.j = joiner{cfg: cfg, now: opts.Now, notes: map[string]bool{}, interned: newInterner(), pss: map[check.PSS]*check.PSS{}}
	for _, c := range selectChecks(reg, cfg, opts.Only) {
		m := c.Meta()
		s.rules = append(s.rules, m)
		if _, ok := c.(check.Local); ok {
			s.local, s.localMeta, s.localRule = append(s.local, c), append(s.localMeta, m), append(s.localRule, len(s.rules)-1)
		} else {
			s.global, s.globalMeta, s.globalRule = append(s.global, c), append(s.globalMeta, m), append(s.globalRule, len(s.rules)-1)
		}
	}
	return s
}

// Local holds the results of the local checks on one object: only those
// with findings or an error, by the check's index in the local checks, in
// that order (most checks find nothing in most objects).
type Local struct{ results []localResult }

type localResult struct {
	check int
	result
}

// CheckLocal runs the local checks on obj alone. Unlike Add it is safe for
// concurrent use, so a loader can run it on the goroutine that decoded obj.
func (s *Scanner) CheckLocal(ctx context.Context, obj *object.Object) *Local {
	if len(s.local) == 0 {
		return &Local{}
	}
	single, _ := s.singles.Get().(*inventory.Inventory)
	if single == nil {
		single = inventory.NewWith(s.templates)
	}
	single = inventory.NewSingle(single, obj)
	single.Host = s.retained.Host
	l := &Local{}
	for i, c := range s.local {
		if res := runOne(ctx, c, single, s.opts.Check); len(res.findings) > 0 || res.err != "" {
			l.results = append(l.results, localResult{i, res})
		}
	}
	s.singles.Put(single)
	return l
}

// SetHost gives the checks what the node command read of a node beside its
// objects (inventory.Inventory.Host): the cross-object checks, and the local
// checks of objects added after it.
func (s *Scanner) SetHost(h *host.Node) { s.retained.Host = h }

// Add files obj: it joins the results of the local checks (running them now
// when local is nil) into the report and keeps the object's summary for the
// cross-object checks. Add is not safe for concurrent use.
func (s *Scanner) Add(ctx context.Context, obj *object.Object, local *Local) {
	s.objects++
	if obj.Origin.Source == object.FromCluster {
		s.live = true
	}
	if c := host.ControlPlanePod(obj); c != nil {
		s.controlPlane[podKey(obj)] = c
	}
	if local == nil {
		local = s.CheckLocal(ctx, obj)
	}
	for _, res := range local.results {
		s.collect(&s.localMeta[res.check], s.localRule[res.check], res.result)
	}
	s.retained.AddSummary(obj)
}

// collect joins a check's result into the report being built.
func (s *Scanner) collect(meta *check.Meta, rule int, res result) {
	if res.err != "" {
		msg := fmt.Sprintf("check %s could not be evaluated: %s", meta.ID, res.err)
		for _, e := range s.errs {
			if e.Message == msg {
				return
			}
		}
		s.errs = append(s.errs, report.Error{Message: msg})
		return
	}
	for _, f := range res.findings {
		if s.byDesignOf(meta.ID, f) {
			s.byDesign[f.Object.Origin.File+" "+f.Object.Namespace()+"/"+f.Object.Name()]++
			continue
		}
		c := s.j.join(meta, rule, f)
		if c.severity < s.opts.MinSeverity {
			s.belowMin++
			continue
		}
		if f.Unless != nil {
			s.unless = append(s.unless, pending{s.findings.len(), f.Unless})
		}
		s.findings.add(c)
	}
}

// pending is a finding that another object may still excuse.
type pending struct {
	index  int
	unless func(*inventory.Inventory) bool
}

// settle drops the findings whose Unless condition holds on the retained
// inventory.
func (s *Scanner) settle() {
	if len(s.unless) == 0 {
		return
	}
	drop := make(map[int]bool)
	for _, p := range s.unless {
		if p.unless(s.retained) {
			drop[p.index] = true
		}
	}
	if len(drop) == 0 {
		s.unless = nil
		return
	}
	var kept findingList
	for i := range s.findings.len() {
		if !drop[i] {
			kept.add(*s.findings.at(i))
		}
	}
	s.findings, s.unless = kept, nil
}

// NotEvaluated tells the scan that the checks of why could not be
// evaluated on its input, and why ("not evaluated: ..."): a live scan that
// could not list a resource they read. Report does not run them, drops the
// findings they made on the objects already added, and lists them in
// report.Report.NotEvaluated, so that what was not judged never reads as
// a pass nor as findings made on part of the input.
func (s *Scanner) NotEvaluated(why map[check.ID]string) {
	if s.unevaluated == nil {
		s.unevaluated = map[check.ID]string{}
	}
	maps.Copy(s.unevaluated, why)
}

// dropUnevaluated drops the findings of the checks s.unevaluated names.
func (s *Scanner) dropUnevaluated() {
	if len(s.unevaluated) == 0 {
		return
	}
	drop := make([]bool, len(s.rules))
	for i, m := range s.rules {
		_, drop[i] = s.unevaluated[m.ID]
	}
	n := s.findings.len()
	first := 0
	for first < n && !drop[s.findings.at(first).rule] {
		first++
	}
	if first == n {
		return // the common case: those checks made no finding
	}
	var kept findingList
	for i := range n {
		if c := s.findings.at(i); !drop[c.rule] {
			kept.add(*c)
		}
	}
	s.findings = kept
}

// CountPods records, per controller UID, the pods that run under it and
// were counted on it rather than scanned; findings on the controller report
// the count.
func (s *Scanner) CountPods(counts map[types.UID]int) { s.pods = counts }

// Report runs the cross-object checks and returns the finished report.
// loadErrs are the input problems found while loading; the report lists them
// with everything that could not be evaluated.
func (s *Scanner) Report(ctx context.Context, loadErrs []object.Error) *report.Report {
	if !s.live {
		for _, m := range s.rules {
			if m.NeedsCluster {
				s.NotEvaluated(map[check.ID]string{m.ID: "not evaluated: judged on a live cluster only (scan --cluster)"})
			}
		}
	}
	run, runMeta, runRule := s.global, s.globalMeta, s.globalRule
	if len(s.unevaluated) > 0 {
		run, runMeta, runRule = nil, nil, nil
		for i, c := range s.global {
			if _, skip := s.unevaluated[s.globalMeta[i].ID]; !skip {
				run, runMeta, runRule = append(run, c), append(runMeta, s.globalMeta[i]), append(runRule, s.globalRule[i])
			}
		}
	}
	results := runChecks(ctx, run, s.retained, s.opts.Check)
	s.j.refs = map[*object.Object]*objectRef{}
	for i, res := range results {
		s.collect(&runMeta[i], runRule[i], res)
	}
	s.settle()
	s.dropUnevaluated()
	podErrs := s.retained.Errors
	nodeInput := s.retained.Host != nil || len(s.retained.NodeObjects) > 0
	hostInput := s.retained.Host != nil
	var paths []rbac.Path
	if s.opts.EscalationPaths {
		paths = rbac.Paths(rbac.Build(s.retained), s.retained)
	}
	s.retained = nil // the summaries are not needed past this point
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          s.opts.Tool,
		Settings:      s.opts.Settings,
		Rules:         s.rules,
		Paths:         paths,
	}
	if !nodeInput {
		r.NotEvaluated = notEvaluated(s.rules, check.TopicNode, "not evaluated: the input holds no control-plane or node configuration (kubestride node reads a node)")
	}
	if !hostInput {
		for _, m := range s.rules {
			if m.NeedsHost {
				if r.NotEvaluated == nil {
					r.NotEvaluated = map[check.ID]string{}
				}
				r.NotEvaluated[m.ID] = "not evaluated: no node's files were read (scan --node-root DIR reads them)"
			}
		}
	}
	for _, m := range s.rules {
		if why, ok := s.unevaluated[m.ID]; ok {
			if r.NotEvaluated == nil {
				r.NotEvaluated = map[check.ID]string{}
			}
			r.NotEvaluated[m.ID] = why
		}
	}
	if src := s.source(); s.opts.SourceFindings {
		r.Source = src
	} else {
		r.Findings = make([]report.Finding, src.Len())
		src.Fill(r.Findings, 0)
	}
	var skipped []report.Notice
	for _, e := range loadErrs {
		if e.Skipped {
			skipped = append(skipped, report.Notice{File: e.File, Line: e.Line, Message: e.Message})
			continue
		}
		r.Errors = append(r.Errors, report.Error{File: e.File, Line: e.Line, Message: e.Message})
	}
	for _, e := range podErrs {
		r.Errors = append(r.Errors, report.Error{File: e.File, Line: e.Line, Message: e.Message})
	}
	r.Errors = append(r.Errors, s.errs...)
	for i := range s.cfg.Exemptions {
		e := &s.cfg.Exemptions[i]
		if e.Expired(s.opts.Now) {
			s.j.notice(s.cfg.File, e.Line, fmt.Sprintf("exemption %s expired on %s and no longer applies (reason was: %s)", describeExemption(e), e.Expires, e.Reason))
		}
	}
	r.Notices = append(s.j.notices, skipped...)
	for _, k := range slices.Sorted(maps.Keys(s.byDesign)) {
		file, pod, _ := strings.Cut(k, " ")
		r.Notices = append(r.Notices, report.Notice{File: file, Message: fmt.Sprintf(
			"%d %s on the control-plane static pod %s left out: host access it needs by design (host network, kubeadm's host paths); the node checks judge its flags",
			s.byDesign[k], plural(s.byDesign[k], "finding", "findings"), pod)})
	}
	if s.belowMin > 0 {
		r.Notices = append(r.Notices, report.Notice{Message: fmt.Sprintf("%d findings below %s are not shown (--min-severity)", s.belowMin, s.opts.MinSeverity)})
	}
	r.Finalize()
	return r
}

// Run scans a whole inventory at once, running every check on all of it.
// inv finds pods in custom resources with the table it was made with
// (inventory.NewWith(opts.Config.Templates()) for a configured one).
// It gives the same report as streaming the same objects through a Scanner;
// it is the reference the streaming scan is tested against, and the entry
// point for callers that already hold every object.
func Run(ctx context.Context, inv *inventory.Inventory, loadErrs []object.Error, opts Options) *report.Report {
	s := New(opts)
	s.global = append(s.global, s.local...)
	s.globalMeta = append(s.globalMeta, s.localMeta...)
	s.globalRule = append(s.globalRule, s.localRule...)
	s.local, s.localMeta, s.localRule = nil, nil, nil
	s.retained = inv
	s.live = slices.ContainsFunc(inv.Objects, func(obj *object.Object) bool { return obj.Origin.Source == object.FromCluster })
	for _, obj := range inv.NodeObjects {
		if c := host.ControlPlanePod(obj); c != nil {
			s.controlPlane[podKey(obj)] = c
		}
	}
	return s.Report(ctx, loadErrs)
}
