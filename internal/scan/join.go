package scan

import (
	"fmt"
	"hash/maphash"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
)

// joiner joins checks' findings with their metadata, the configuration's
// severity overrides and the suppressions, into compact findings.
type joiner struct {
	cfg     *config.Config
	now     time.Time
	notices []report.Notice
	notes   map[string]bool
	// interned shares the many repeated messages and field paths; nil
	// shares nothing.
	interned *interner
	// pss shares the few distinct PSS references.
	pss map[check.PSS]*check.PSS
	// last and lastRef share one object reference among the findings of the
	// object being joined; refs does so for the retained objects.
	last    *object.Object
	lastRef *objectRef
	refs    map[*object.Object]*objectRef
	// lines holds the lines of the fields found on linesOf, by the index
	// linesIn it had: the checks of an object often name the same fields.
	linesOf *object.Object
	linesIn *object.LineIndex
	lines   []fieldLine
}

// fieldLine is the line of a field path.
type fieldLine struct {
	path string
	line int
}

// maxCachedLines bounds the lines kept for one object, which are searched
// one by one.
const maxCachedLines = 32

// line returns o.Line(path), from the lines found already on o when o is
// the object last asked about.
func (j *joiner) line(o *object.Object, path string) int {
	if o != j.linesOf || o.Lines != j.linesIn {
		j.linesOf, j.linesIn, j.lines = o, o.Lines, j.lines[:0]
	}
	for _, l := range j.lines {
		if l.path == path {
			return l.line
		}
	}
	n := o.Line(path)
	if len(j.lines) < maxCachedLines {
		j.lines = append(j.lines, fieldLine{path, n})
	}
	return n
}

// compact is a joined finding as the scanner keeps it until the report is
// built: the check by index, the object by a reference shared among its
// findings, the strings interned. It holds no pointer to the object itself,
// so a loaded object is freed as soon as its summary is filed.
type compact struct {
	rule     int32
	severity check.Severity
	line     int32
	ref      *objectRef
	// rendered is the location of a finding on a rendered object: its
	// source file and line, and where it is in the rendered output; nil
	// for others.
	rendered   *report.Location
	message    string
	field      string
	related    []report.RelatedLocation
	pss        *check.PSS
	suppressed *report.Suppression
}

// location is the finding's location: nil when it did not come from a file.
func (c *compact) location() *report.Location {
	if c.rendered != nil {
		return c.rendered
	}
	if c.ref != nil && c.ref.file != "" {
		return &report.Location{File: c.ref.file, Line: int(c.line)}
	}
	return nil
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

// intern shares s when the joiner has an interner; one that joins the
// findings of a single object (Evaluator) has none, as they repeat little.
func (j *joiner) intern(s string) string {
	if j.interned == nil {
		return s
	}
	return j.interned.intern(s)
}

// interner shares repeated strings through a table of internSlots strings
// indexed by their hash: a string that comes back while its slot holds it
// is shared. The strings that repeat most (field paths, the messages of
// common findings) keep their slots; a map of every distinct string would
// grow with every unique message and cost more to search than sharing
// them saves.
type interner struct {
	seed  maphash.Seed
	slots [internSlots]string
}

const internSlots = 1 << 12

func newInterner() *interner { return &interner{seed: maphash.MakeSeed()} }

func (t *interner) intern(s string) string {
	slot := &t.slots[maphash.String(t.seed, s)&(internSlots-1)]
	if *slot == s {
		return *slot
	}
	*slot = s
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
			out.line = int32(j.line(o, f.Path))
			if r := o.Origin.Rendered; r != nil {
				file, line := r.Source(int(out.line))
				out.rendered = &report.Location{File: file, Line: line, Rendered: &report.Location{File: o.Origin.File, Line: int(out.line)}}
			}
		}
		out.suppressed = j.suppression(meta.ID, o)
		if len(f.Related) > 0 {
			out.related = make([]report.RelatedLocation, len(f.Related))
			for i, p := range f.Related {
				r := report.RelatedLocation{File: o.Origin.File, Field: j.intern(p)}
				if r.File != "" {
					r.Line = j.line(o, p)
					if rd := o.Origin.Rendered; rd != nil {
						r.File, r.Line = rd.Source(r.Line)
					}
				}
				out.related[i] = r
			}
		}
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

// suppression finds an annotation or a live exemption covering the finding.
func (j *joiner) suppression(id check.ID, o *object.Object) *report.Suppression {
	if value, ok := ignoreAnnotation(o.Meta.Annotations, id); ok {
		reason, expires, err := ParseIgnoreAnnotation(value)
		line := o.Line("metadata.annotations")
		switch {
		case err != nil:
			j.notice(o.Origin.File, line, fmt.Sprintf("%s %q: annotation %s%s: %v, so it does not suppress the finding", o.Kind, o.Name(), IgnoreAnnotationPrefix, id, err))
		case !expires.IsZero() && !j.now.Before(expires):
			j.notice(o.Origin.File, line, fmt.Sprintf("%s %q: annotation %s%s expired on %s, so it no longer suppresses the finding", o.Kind, o.Name(), IgnoreAnnotationPrefix, id, expires.Format(time.DateOnly)))
		case strings.TrimSpace(reason) != "":
			s := &report.Suppression{Kind: "annotation", Reason: reason}
			if !expires.IsZero() {
				s.Expires = expires.Format(time.DateOnly)
			}
			return s
		default:
			j.notice(o.Origin.File, line, fmt.Sprintf("%s %q: annotation %s%s has no reason, so it does not suppress the finding", o.Kind, o.Name(), IgnoreAnnotationPrefix, id))
		}
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

// expiresMark separates the reason of a suppression annotation from its
// optional expiry date: "the node agent needs it (SEC-7); expires 2027-03-31".
const expiresMark = "; expires "

// ParseIgnoreAnnotation reads the value of a suppression annotation
// (kubestride.io/ignore.<check-id>): a reason, optionally followed by
// "; expires YYYY-MM-DD", from which day on it no longer applies. expires
// is zero when there is no date; err says what is malformed.
func ParseIgnoreAnnotation(value string) (reason string, expires time.Time, err error) {
	i := strings.LastIndex(value, expiresMark)
	if i < 0 {
		return value, time.Time{}, nil
	}
	date := strings.TrimSpace(value[i+len(expiresMark):])
	t, perr := time.Parse(time.DateOnly, date)
	if perr != nil {
		return value[:i], time.Time{}, fmt.Errorf("expiry %q is not a date (YYYY-MM-DD)", date)
	}
	return value[:i], t, nil
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
