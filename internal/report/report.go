package report

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/rbac"
)

// SchemaVersion is the version of the JSON report format.
const SchemaVersion = 1

// Exit codes of kubestride commands.
const (
	// ExitOK means nothing at or above the fail-on severity was found.
	ExitOK = 0
	// ExitFindings means a finding at or above the fail-on severity.
	ExitFindings = 1
	// ExitError means a usage error, or input that could not be read or
	// evaluated. It wins over ExitFindings.
	ExitError = 2
)

// Report is the outcome of one scan.
type Report struct {
	SchemaVersion int       `json:"schemaVersion"`
	Tool          Tool      `json:"tool"`
	Summary       Summary   `json:"summary"`
	Findings      []Finding `json:"findings"`
	Errors        []Error   `json:"errors"`
	// Notices are things the user should know that are not findings: an
	// exemption that has expired, a suppression annotation without a reason.
	Notices []Notice `json:"notices"`
	// Coverage says what a live-cluster scan listed and what it could not;
	// nil for a scan of manifests.
	Coverage *Coverage `json:"coverage,omitempty"`
	// Readiness is, per namespace of a live cluster, how many running pods
	// Pod Security Admission would reject at each enforce level.
	Readiness []NamespaceReadiness `json:"podSecurityReadiness,omitempty"`
	// Rules is the metadata of every check that ran, sorted by ID; SARIF
	// lists them as rules.
	Rules []check.Meta `json:"-"`
	// NotEvaluated says, by check, why a check of Rules had nothing to
	// judge in this input (a node check in a scan without control-plane or
	// node files, a live scan that could not list what a check reads): no
	// finding from it is no pass. JSON writes it as an object from check
	// ID to reason, absent when every check was evaluated; JUnit marks the
	// check skipped with the reason.
	NotEvaluated map[check.ID]string `json:"notEvaluated,omitempty"`
	// Settings records how the scan was run, for renderers that show it.
	Settings Settings `json:"-"`
	// Paths are the privilege-escalation paths of the scanned RBAC, for the
	// threat-model view of the html and markdown formats; a scan fills them
	// only when asked (scan.Options.EscalationPaths).
	Paths []rbac.Path `json:"-"`
	// Source, when set, produces the findings in place of Findings, which
	// is then nil: a scan with hundreds of thousands of findings hands them
	// over this way, and the JSON renderer turns them into report form a
	// chunk at a time instead of all at once. Materialize fills Findings
	// from it for everything else.
	Source FindingSource `json:"-"`
}

// FindingSource produces a report's findings, already in report order.
type FindingSource interface {
	// Len is the number of findings.
	Len() int
	// Fill writes the findings from index from on into dst, len(dst) of
	// them. It may be called from several goroutines at once.
	Fill(dst []Finding, from int)
	// Summary counts the findings as Finalize does.
	Summary() Summary
}

// Materialize moves the findings of r.Source into r.Findings.
func (r *Report) Materialize() {
	if r.Source == nil {
		return
	}
	r.Findings = make([]Finding, r.Source.Len())
	r.Source.Fill(r.Findings, 0)
	r.Source = nil
}

// Settings are the scan parameters a renderer may show.
type Settings struct {
	FailOn     check.Severity
	PSSLevel   string
	PSSVersion string
	// AllowPartial keeps coverage gaps from changing the exit code.
	AllowPartial bool
	// Time is when the scan ran (the clock exemptions are judged by); the
	// policyreport format stamps its results with it. Zero leaves them
	// unstamped.
	Time time.Time
}

// Tool names the program that made the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Summary counts the findings that are not suppressed.
type Summary struct {
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"bySeverity"`
	ByCategory map[string]int `json:"byCategory"`
	// Suppressed counts the findings an exemption or annotation suppressed.
	Suppressed int `json:"suppressed"`
}

// Finding is a check's finding joined with the check's metadata and the
// effective severity. It is about one subject: a Kubernetes object
// (Resource), or a file, an audit trail or an image; only the subject's field
// is written in JSON.
type Finding struct {
	ID         check.ID       `json:"id"`
	Category   check.Category `json:"category"`
	Severity   check.Severity `json:"severity"`
	Title      string         `json:"title"`
	Message    string         `json:"message"`
	Resource   Resource       `json:"resource,omitzero"`
	File       *File          `json:"file,omitempty"`
	AuditTrail *AuditTrail    `json:"auditTrail,omitempty"`
	Image      *Image         `json:"image,omitempty"`
	Location   *Location      `json:"location,omitempty"`
	Field      string         `json:"field"`
	// Related lists the other places of the same fault, when it has
	// several (the other offending containers of a PSS finding).
	Related     []RelatedLocation `json:"related,omitempty"`
	Remediation string            `json:"remediation"`
	PSS         *check.PSS        `json:"pss,omitempty"`
	Suppressed  *Suppression      `json:"suppressed"`
	// Reason is the check's short reason ("privileged containers"), set by
	// scan.Evaluator for the admission webhook, which words its answers as
	// Pod Security Admission does (reason, then the detail in parentheses);
	// a report leaves it empty, and it is never written.
	Reason string `json:"-"`
}

// Resource identifies the object a finding is about.
type Resource struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	// Pods is, in a live-cluster scan, the number of pods running under the
	// object (a controller) that were counted on it rather than scanned
	// one by one.
	Pods int `json:"pods,omitempty"`
}

// File identifies a file a finding is about that is not a Kubernetes
// object: a control-plane manifest, a kubelet configuration, a key.
type File struct {
	Path string `json:"path"`
	// Line is the line at fault; absent for the file as a whole.
	Line int `json:"line,omitempty"`
	// Key is the flag or configuration key at fault; absent when the
	// finding is about the file itself (its permissions or owner).
	Key string `json:"key,omitempty"`
}

// AuditTrail identifies what one principal did, as an audit log recorded it.
type AuditTrail struct {
	Principal string `json:"principal"`
	// Events are the events the finding rests on, in time order.
	Events []AuditEvent `json:"events"`
}

// AuditEvent identifies one audit event.
type AuditEvent struct {
	AuditID string `json:"auditID"`
	// Time is the event's time, RFC 3339 with nanoseconds, in UTC.
	Time string `json:"time"`
}

// Image identifies a container image.
type Image struct {
	Reference string `json:"reference"`
	Digest    string `json:"digest,omitempty"`
}

// SubjectKind names what a finding is about: "object", "file",
// "auditTrail" or "image".
func (f *Finding) SubjectKind() string {
	switch {
	case f.File != nil:
		return "file"
	case f.AuditTrail != nil:
		return "auditTrail"
	case f.Image != nil:
		return "image"
	}
	return "object"
}

// subjectKey orders findings by subject: by kind, then by the subject's
// identity (for an object its namespace, name and kind).
func (f *Finding) subjectKey() (rank int, a, b, c string) {
	switch {
	case f.File != nil:
		return 1, f.File.Path, f.File.Key, ""
	case f.AuditTrail != nil:
		first := ""
		if len(f.AuditTrail.Events) > 0 {
			first = f.AuditTrail.Events[0].Time
		}
		return 2, f.AuditTrail.Principal, first, ""
	case f.Image != nil:
		return 3, f.Image.Reference, f.Image.Digest, ""
	}
	return 0, f.Resource.Namespace, f.Resource.Name, f.Resource.Kind
}

// compareSubjects orders two findings' subjects.
func compareSubjects(x, y *Finding) int {
	xr, xa, xb, xc := x.subjectKey()
	yr, ya, yb, yc := y.subjectKey()
	return cmp.Or(cmp.Compare(xr, yr), strings.Compare(xa, ya), strings.Compare(xb, yb), strings.Compare(xc, yc))
}

// Coverage is what a live-cluster scan covered.
type Coverage struct {
	// Listed counts the objects read per resource ("deployments.apps").
	Listed map[string]int `json:"listed"`
	// Skipped names resources deliberately not listed, with why.
	Skipped map[string]string `json:"skipped,omitempty"`
	// Gaps are lists that could not be completed; what they would have held
	// was not evaluated.
	Gaps []object.Gap `json:"gaps"`
}

// NamespaceReadiness is how one namespace would fare under Pod Security
// Admission enforcement.
type NamespaceReadiness struct {
	Namespace string `json:"namespace"`
	// Enforce is the namespace's current enforce label ("" when unset).
	Enforce string `json:"enforce"`
	// Version is the Pod Security Standards version judged against.
	Version string `json:"version"`
	// Pods is the number of running pods.
	Pods int `json:"pods"`
	// RejectedBaseline and RejectedRestricted count the running pods that
	// enforce=baseline and enforce=restricted would reject.
	RejectedBaseline   int `json:"rejectedBaseline"`
	RejectedRestricted int `json:"rejectedRestricted"`
}

// Location is where in a file the finding points.
type Location struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	// Rendered is, for an object rendered from a Helm chart or built by
	// Kustomize, where the finding is in the rendered output; File and Line
	// are then the template or source file that produced it.
	Rendered *Location `json:"rendered,omitempty"`
}

// RelatedLocation is another place of a finding's fault: a field of the
// same object, and where it is in the object's file when it came from one.
type RelatedLocation struct {
	File  string `json:"file,omitempty"`
	Line  int    `json:"line,omitempty"`
	Field string `json:"field"`
}

// Suppression says why a finding does not count.
type Suppression struct {
	// Kind is "annotation" or "exemption".
	Kind string `json:"kind"`
	// Reason is the justification given.
	Reason string `json:"reason"`
	// Expires is the exemption's expiry date (YYYY-MM-DD), when it has one.
	Expires string `json:"expires,omitempty"`
}

// Error is input that could not be read or evaluated.
type Error struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Notice is a message about the scan's configuration or input that is not a
// finding and does not change the exit code.
type Notice struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Finalize sorts the findings, errors and notices and computes the summary
// (a Source gives its findings sorted and its summary). Package scan calls
// it once; renderers expect a finalized report.
func (r *Report) Finalize() {
	if r.Source == nil && !findingsSorted(r.Findings) {
		sortFindings(r.Findings) // a scan presorts them; others may not
	}
	sort.SliceStable(r.Errors, func(i, j int) bool {
		a, b := r.Errors[i], r.Errors[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	if r.Source != nil {
		r.Summary = r.Source.Summary()
	} else {
		r.Summary = summarize(r.Findings)
	}
	if r.Findings == nil && r.Source == nil {
		r.Findings = []Finding{}
	}
	if r.Errors == nil {
		r.Errors = []Error{}
	}
	if r.Notices == nil {
		r.Notices = []Notice{}
	}
}

// summarize counts fs for the report's summary.
func summarize(fs []Finding) Summary {
	var c Counter
	for i := range fs {
		c.Add(fs[i].Severity, fs[i].Category, fs[i].Suppressed != nil)
	}
	return c.Summary()
}

// Counter counts findings into a Summary. It is the one place that decides
// what a summary counts: Finalize uses it, and so does a FindingSource that
// hands over findings it never materializes. The zero value is ready.
type Counter struct {
	findings, suppressed int
	bySeverity           [check.Critical + 1]int
	otherSeverity        map[string]int
	// byCategory is a handful of categories: counted without hashing.
	byCategory []categoryCount
}

type categoryCount struct {
	category check.Category
	n        int
}

// Add counts one finding.
func (c *Counter) Add(sev check.Severity, category check.Category, suppressed bool) {
	if suppressed {
		c.suppressed++
		return
	}
	c.findings++
	if sev >= 0 && sev <= check.Critical {
		c.bySeverity[sev]++
	} else {
		if c.otherSeverity == nil {
			c.otherSeverity = map[string]int{}
		}
		c.otherSeverity[sev.String()]++
	}
	j := slices.IndexFunc(c.byCategory, func(x categoryCount) bool { return x.category == category })
	if j < 0 {
		j = len(c.byCategory)
		c.byCategory = append(c.byCategory, categoryCount{category: category})
	}
	c.byCategory[j].n++
}

// Summary returns the counts.
func (c *Counter) Summary() Summary {
	s := Summary{Findings: c.findings, Suppressed: c.suppressed, BySeverity: map[string]int{}, ByCategory: map[string]int{}}
	for k, n := range c.otherSeverity {
		s.BySeverity[k] = n
	}
	for sev, n := range c.bySeverity {
		if n > 0 {
			s.BySeverity[check.Severity(sev).String()] += n
		}
	}
	for _, x := range c.byCategory {
		s.ByCategory[string(x.category)] = x.n
	}
	return s
}

// findingsSorted reports whether fs is in report order.
func findingsSorted(fs []Finding) bool {
	for i := 1; i < len(fs); i++ {
		if compareFindings(&fs[i-1], &fs[i]) > 0 {
			return false
		}
	}
	return true
}

// sortFindings sorts by the report order. It sorts indexes and moves each
// finding once, since a finding is large and a scan has many. Findings that
// compare equal are identical in every field the order reads, so a stable
// sort is not needed: the order is deterministic either way.
func sortFindings(fs []Finding) {
	idx := make([]int32, len(fs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := compareFindings(&fs[a], &fs[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b) // equal keys: keep the scan's order
	})
	sorted := make([]Finding, len(fs))
	for i, j := range idx {
		sorted[i] = fs[j]
	}
	copy(fs, sorted)
}

// compareFindings orders by severity (highest first), check ID, subject
// (for an object: namespace, name, kind), field, file, line and message.
func compareFindings(a, b *Finding) int {
	if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.ID), string(b.ID)); c != 0 {
		return c
	}
	if c := compareSubjects(a, b); c != 0 {
		return c
	}
	if c := strings.Compare(a.Field, b.Field); c != 0 {
		return c
	}
	if af, bf := a.Location, b.Location; af != nil && bf != nil {
		if c := strings.Compare(af.File, bf.File); c != 0 {
			return c
		}
		if c := cmp.Compare(af.Line, bf.Line); c != 0 {
			return c
		}
	}
	return strings.Compare(a.Message, b.Message)
}

// ExitCode returns the exit code for the report: ExitError when input could
// not be read or evaluated (including a live-cluster list that failed,
// unless Settings.AllowPartial), ExitFindings when an unsuppressed finding is at or
// above failOn, ExitOK otherwise.
func (r *Report) ExitCode(failOn check.Severity) int {
	if len(r.Errors) > 0 {
		return ExitError
	}
	if r.Coverage != nil && len(r.Coverage.Gaps) > 0 && !r.Settings.AllowPartial {
		return ExitError
	}
	for sev := failOn; sev <= check.Critical; sev++ {
		if sev.Valid() && r.Summary.BySeverity[sev.String()] > 0 {
			return ExitFindings
		}
	}
	return ExitOK
}
