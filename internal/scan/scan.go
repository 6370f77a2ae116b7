package scan

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
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
	// Now is the time exemptions are judged against.
	Now time.Time
	// Tool names the program in the report.
	Tool report.Tool
	// Settings are recorded in the report for renderers.
	Settings report.Settings
	// SourceFindings makes Report hand the findings over as a
	// report.FindingSource instead of in Findings, so that they are turned
	// into report form a chunk at a time as they are written.
	SourceFindings bool
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
	s := &Scanner{opts: opts, cfg: cfg, templates: cfg.Templates()}
	s.retained = inventory.NewWith(s.templates)
	s.j = joiner{cfg: cfg, now: opts.Now, notes: map[string]bool{}, interned: map[string]string{}, pss: map[check.PSS]*check.PSS{}}
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

// Local holds the results of the local checks on one object.
type Local struct{ results []result }

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
	l := &Local{results: make([]result, len(s.local))}
	for i, c := range s.local {
		l.results[i] = runOne(ctx, c, single, s.opts.Check)
	}
	s.singles.Put(single)
	return l
}

// Add files obj: it joins the results of the local checks (running them now
// when local is nil) into the report and keeps the object's summary for the
// cross-object checks. Add is not safe for concurrent use.
func (s *Scanner) Add(ctx context.Context, obj *object.Object, local *Local) {
	s.objects++
	if local == nil {
		local = s.CheckLocal(ctx, obj)
	}
	for i, res := range local.results {
		s.collect(&s.localMeta[i], s.localRule[i], res)
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
		if f.Unless != nil {
			s.unless = append(s.unless, pending{s.findings.len(), f.Unless})
		}
		s.findings.add(s.j.join(meta, rule, f))
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

// CountPods records, per controller UID, the pods that run under it and
// were counted on it rather than scanned; findings on the controller report
// the count.
func (s *Scanner) CountPods(counts map[types.UID]int) { s.pods = counts }

// Report runs the cross-object checks and returns the finished report.
// loadErrs are the input problems found while loading; the report lists them
// with everything that could not be evaluated.
func (s *Scanner) Report(ctx context.Context, loadErrs []object.Error) *report.Report {
	results := runChecks(ctx, s.global, s.retained, s.opts.Check)
	s.j.refs = map[*object.Object]*objectRef{}
	for i, res := range results {
		s.collect(&s.globalMeta[i], s.globalRule[i], res)
	}
	s.settle()
	podErrs := s.retained.Errors
	s.retained = nil // the summaries are not needed past this point
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          s.opts.Tool,
		Settings:      s.opts.Settings,
		Rules:         s.rules,
	}
	if src := s.source(); s.opts.SourceFindings {
		r.Source = src
	} else {
		r.Findings = make([]report.Finding, src.Len())
		src.Fill(r.Findings, 0)
	}
	for _, e := range loadErrs {
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
	r.Notices = s.j.notices
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
	return s.Report(ctx, loadErrs)
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

// runOne runs a check, turning a panic or a cancelled context into an error
// so that nothing unevaluated passes silently.
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
	// interned shares the many repeated messages and field paths.
	interned map[string]string
	// pss shares the few distinct PSS references.
	pss map[check.PSS]*check.PSS
	// last and lastRef share one object reference among the findings of the
	// object being joined; refs does so for the retained objects.
	last    *object.Object
	lastRef *objectRef
	refs    map[*object.Object]*objectRef
}

// compact is a joined finding as the scanner keeps it until the report is
// built: the check by index, the object by a reference shared among its
// findings, the strings interned. It holds no pointer to the object itself,
// so a loaded object is freed as soon as its summary is filed.
type compact struct {
	rule       int32
	severity   check.Severity
	line       int32
	ref        *objectRef
	message    string
	field      string
	pss        *check.PSS
	suppressed *report.Suppression
}

// objectRef is what a finding says about its subject: an object, or for a
// finding about something else, its file, audit trail or image.
type objectRef struct {
	resource report.Resource
	// subject is the report's form of a subject other than an object: a
	// Finding with only File, AuditTrail or Image set.
	subject *report.Finding
	file    string
	uid     types.UID
	// rank orders the object among the others once the findings are
	// sorted: 0 until then.
	rank int32
}

func (j *joiner) intern(s string) string {
	if v, ok := j.interned[s]; ok {
		return v
	}
	j.interned[s] = s
	return s
}

func (j *joiner) notice(file string, line int, msg string) {
	key := fmt.Sprintf("%s:%d:%s", file, line, msg)
	if j.notes[key] {
		return
	}
	j.notes[key] = true
	j.notices = append(j.notices, report.Notice{File: file, Line: line, Message: msg})
}

func (j *joiner) ref(o *object.Object) *objectRef {
	if o == j.last {
		return j.lastRef
	}
	if r, ok := j.refs[o]; ok {
		return r
	}
	r := &objectRef{
		resource: report.Resource{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace(), Name: o.Name()},
		file:     o.Origin.File,
		uid:      o.Meta.UID,
	}
	j.last, j.lastRef = o, r
	if j.refs != nil {
		j.refs[o] = r
	}
	return r
}

func (j *joiner) join(meta *check.Meta, rule int, f check.Finding) compact {
	sev := meta.Severity
	if f.Severity.Valid() {
		sev = f.Severity
	}
	if s := j.cfg.Checks[meta.ID].Severity; s != "" {
		if v, err := check.ParseSeverity(s); err == nil {
			sev = v
		}
	}
	out := compact{
		rule:     int32(rule),
		severity: sev,
		message:  j.intern(f.Message()),
		field:    j.intern(f.Path),
	}
	if f.PSS != nil {
		p, ok := j.pss[*f.PSS]
		if !ok {
			p = f.PSS
			j.pss[*p] = p
		}
		out.pss = p
	}
	if o := f.Object; o != nil {
		out.ref = j.ref(o)
		if o.Origin.File != "" {
			out.line = int32(o.Line(f.Path))
		}
		out.suppressed = j.suppression(meta.ID, o)
	} else if ref := subjectRef(f); ref != nil {
		out.ref = ref
		out.line = int32(ref.subject.Location.Line)
		kind, name := ref.subject.SubjectKind(), subjectName(ref.subject)
		out.suppressed = j.exemption(meta.ID, kind, "", name)
	}
	return out
}

// subjectRef is the reference of a finding about a file, an audit trail or
// an image; nil for a finding without a subject.
func subjectRef(f check.Finding) *objectRef {
	var s report.Finding
	switch {
	case f.File != nil:
		s.File = &report.File{Path: f.File.Path, Line: f.File.Line, Key: f.File.Key}
		s.Location = &report.Location{File: f.File.Path, Line: f.File.Line}
	case f.AuditTrail != nil:
		events := make([]report.AuditEvent, len(f.AuditTrail.Events))
		for i, e := range f.AuditTrail.Events {
			events[i] = report.AuditEvent{AuditID: e.AuditID, Time: e.Time.UTC().Format(time.RFC3339Nano)}
		}
		s.AuditTrail = &report.AuditTrail{Principal: f.AuditTrail.Principal, Events: events}
		s.Location = &report.Location{}
	case f.Image != nil:
		s.Image = &report.Image{Reference: f.Image.Reference, Digest: f.Image.Digest}
		s.Location = &report.Location{}
	default:
		return nil
	}
	r := &objectRef{subject: &s, file: s.Location.File}
	return r
}

// subjectName is what an exemption's name pattern is matched against for a
// subject other than an object: a file's path, a principal, an image
// reference.
func subjectName(s *report.Finding) string {
	switch {
	case s.File != nil:
		return s.File.Path
	case s.AuditTrail != nil:
		return s.AuditTrail.Principal
	case s.Image != nil:
		return s.Image.Reference
	}
	return ""
}

// subjectKey orders subjects among themselves: objects by namespace, name
// and kind, then files, audit trails and images by what identifies them.
func (r *objectRef) subjectKey() (int, string, string, string) {
	s := r.subject
	switch {
	case s == nil:
		return 0, r.resource.Namespace, r.resource.Name, r.resource.Kind
	case s.File != nil:
		return 1, s.File.Path, s.File.Key, ""
	case s.AuditTrail != nil:
		first := ""
		if len(s.AuditTrail.Events) > 0 {
			first = s.AuditTrail.Events[0].Time
		}
		return 2, s.AuditTrail.Principal, first, ""
	}
	return 3, s.Image.Reference, s.Image.Digest, ""
}

// sortKey orders one finding: key packs its severity (highest first), its
// check's index (rules are sorted by ID) and its object's rank, so that most
// comparisons are of one integer; idx is the finding's index.
type sortKey struct {
	key uint64
	idx int32
}

// order returns the indexes of the kept findings in report order, the order
// report.Finalize confirms: severity, check ID, the object's namespace,
// name and kind, then field, file, line and message. Objects are ranked once
// and the comparison of everything else is left to the findings that tie on
// the packed key. On more than one CPU the two halves are sorted at once and
// merged.
func (s *Scanner) order() []sortKey {
	n := s.findings.len()
	var refs []*objectRef
	for i := range n {
		if r := s.findings.at(i).ref; r != nil && r.rank == 0 {
			r.rank = -1 // seen
			refs = append(refs, r)
		}
	}
	sameObject := func(a, b *objectRef) int {
		ar, a1, a2, a3 := a.subjectKey()
		br, b1, b2, b3 := b.subjectKey()
		return cmp.Or(cmp.Compare(ar, br), strings.Compare(a1, b1), strings.Compare(a2, b2), strings.Compare(a3, b3))
	}
	slices.SortFunc(refs, sameObject)
	var rank int32
	for i, r := range refs {
		if i == 0 || sameObject(refs[i-1], r) != 0 {
			rank++
		}
		r.rank = rank
	}
	keys := make([]sortKey, n)
	for i := range n {
		c := s.findings.at(i)
		sev := uint64(check.Critical - min(max(c.severity, 0), check.Critical))
		var rank uint64
		if c.ref != nil {
			rank = uint64(c.ref.rank)
		}
		keys[i] = sortKey{key: sev<<56 | uint64(c.rule)<<32 | rank, idx: int32(i)}
	}
	compare := func(a, b sortKey) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		fa, fb := s.findings.at(int(a.idx)), s.findings.at(int(b.idx))
		if c := strings.Compare(fa.field, fb.field); c != 0 {
			return c
		}
		if fa.ref != nil && fb.ref != nil && fa.ref.file != "" && fb.ref.file != "" {
			if c := strings.Compare(fa.ref.file, fb.ref.file); c != 0 {
				return c
			}
			if c := cmp.Compare(fa.line, fb.line); c != 0 {
				return c
			}
		}
		return cmp.Or(strings.Compare(fa.message, fb.message), cmp.Compare(a.idx, b.idx))
	}
	if runtime.GOMAXPROCS(0) < 2 || n < 1<<14 {
		slices.SortFunc(keys, compare)
		return keys
	}
	half := n / 2
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(keys[:half], compare) })
	slices.SortFunc(keys[half:], compare)
	wg.Wait()
	out := make([]sortKey, 0, n)
	a, b := keys[:half], keys[half:]
	for len(a) > 0 && len(b) > 0 {
		if compare(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	out = append(append(out, a...), b...)
	return out
}

// source puts the kept findings in report order and hands them over as a
// report.FindingSource; the scanner keeps none of them.
func (s *Scanner) source() *findingSource {
	src := &findingSource{keys: s.order(), findings: s.findings, rules: s.rules}
	s.findings = findingList{}
	// Each object's pod count, and its location's file, once per object.
	src.locs = make([]report.Location, len(src.keys))
	for i := range src.keys {
		c := src.findings.at(int(src.keys[i].idx))
		if c.ref != nil {
			if c.ref.uid != "" && c.ref.resource.Pods == 0 {
				c.ref.resource.Pods = s.pods[c.ref.uid]
			}
			if c.ref.file != "" {
				src.locs[i] = report.Location{File: c.ref.file, Line: int(c.line)}
			}
		}
	}
	src.summary = report.Summary{BySeverity: map[string]int{}, ByCategory: map[string]int{}}
	var bySeverity [check.Critical + 1]int
	byRule := make([]int, len(s.rules))
	for i := range src.keys {
		c := src.findings.at(int(src.keys[i].idx))
		if c.suppressed != nil {
			src.summary.Suppressed++
			continue
		}
		src.summary.Findings++
		bySeverity[min(max(c.severity, 0), check.Critical)]++
		byRule[c.rule]++
	}
	for sev, n := range bySeverity {
		if n > 0 {
			src.summary.BySeverity[check.Severity(sev).String()] += n
		}
	}
	for i, n := range byRule {
		if n > 0 {
			src.summary.ByCategory[string(s.rules[i].Category)] += n
		}
	}
	return src
}

// findingSource is the report.FindingSource of a scan: the compact findings
// in report order, turned into report form on demand.
type findingSource struct {
	keys     []sortKey
	findings findingList
	rules    []check.Meta
	// locs holds each finding's location (in report order), which the
	// report's findings point at.
	locs    []report.Location
	summary report.Summary
}

func (f *findingSource) Len() int { return len(f.keys) }

func (f *findingSource) Summary() report.Summary { return f.summary }

// Fill builds findings [from, from+len(dst)); on many of them at once it
// works on every CPU.
func (f *findingSource) Fill(dst []report.Finding, from int) {
	build := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			k := from + i
			c := f.findings.at(int(f.keys[k].idx))
			m := &f.rules[c.rule]
			dst[i] = report.Finding{
				ID:          m.ID,
				Category:    m.Category,
				Severity:    c.severity,
				Title:       m.Title,
				Message:     c.message,
				Field:       c.field,
				Remediation: m.Remediation,
				PSS:         c.pss,
				Suppressed:  c.suppressed,
			}
			if r := c.ref; r != nil {
				if sub := r.subject; sub != nil {
					dst[i].File, dst[i].AuditTrail, dst[i].Image = sub.File, sub.AuditTrail, sub.Image
				} else {
					dst[i].Resource = r.resource
				}
				if r.file != "" {
					dst[i].Location = &f.locs[k]
				}
			}
		}
	}
	n := len(dst)
	workers := runtime.GOMAXPROCS(0)
	if n < 1<<14 {
		workers = 1
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { build(lo, hi) })
	}
	wg.Wait()
}

// findingList is an append-only list of compact findings held in blocks of
// a fixed size, so that growing it never copies what it holds.
type findingList struct {
	blocks [][]compact
	n      int
}

const findingBlock = 4096

func (l *findingList) add(c compact) {
	if l.n%findingBlock == 0 {
		l.blocks = append(l.blocks, make([]compact, 0, findingBlock))
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, c)
	l.n++
}

func (l *findingList) at(i int) *compact { return &l.blocks[i/findingBlock][i%findingBlock] }

func (l *findingList) len() int { return l.n }

// suppression finds an annotation or a live exemption covering the finding.
func (j *joiner) suppression(id check.ID, o *object.Object) *report.Suppression {
	if reason, ok := ignoreAnnotation(o.Meta.Annotations, id); ok {
		if strings.TrimSpace(reason) != "" {
			return &report.Suppression{Kind: "annotation", Reason: reason}
		}
		j.notice(o.Origin.File, o.Line("metadata.annotations"), fmt.Sprintf("%s %q: annotation %s%s has no reason, so it does not suppress the finding", o.Kind, o.Name(), IgnoreAnnotationPrefix, id))
	}
	return j.exemption(id, o.Kind, o.Namespace(), o.Name())
}

// exemption is the suppression by the first exemption in force that matches
// the check and the subject: an object by its kind, namespace and name; a
// file, audit trail or image by its subject kind ("file", "auditTrail",
// "image") and its path, principal or reference.
func (j *joiner) exemption(id check.ID, kind, namespace, name string) *report.Suppression {
	for i := range j.cfg.Exemptions {
		e := &j.cfg.Exemptions[i]
		if e.Expired(j.now) || !e.Matches(id, kind, namespace, name) {
			continue
		}
		return &report.Suppression{Kind: "exemption", Reason: e.Reason, Expires: e.Expires}
	}
	return nil
}

// ignoreAnnotation looks up kubestride.io/ignore.<id> without building the
// key, since it is asked for every finding.
func ignoreAnnotation(annotations map[string]string, id check.ID) (string, bool) {
	if len(annotations) == 0 {
		return "", false
	}
	for k, v := range annotations {
		if len(k) == len(IgnoreAnnotationPrefix)+len(id) && strings.HasPrefix(k, IgnoreAnnotationPrefix) && k[len(IgnoreAnnotationPrefix):] == string(id) {
			return v, true
		}
	}
	return "", false
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
