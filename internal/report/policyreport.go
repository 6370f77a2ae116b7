package report

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
)

func init() { registerFormat("policyreport", renderPolicyReport) }

// The PolicyReport API of the Kubernetes Policy working group, as Policy
// Reporter and the other tools that read policy results know it.
const (
	PolicyReportGroup      = "wgpolicyk8s.io"
	PolicyReportVersion    = "v1alpha2"
	PolicyReportAPIVersion = PolicyReportGroup + "/" + PolicyReportVersion
	// PolicyReportSource is every result's source.
	PolicyReportSource = "kubestride"
	// PolicyReportManagedBy is the value of the app.kubernetes.io/managed-by
	// label on every report kubestride writes; kubestride scan --apply finds
	// the reports of its earlier runs by it.
	PolicyReportManagedBy = "kubestride"
	// ClusterPolicyReportName is the name of the one ClusterPolicyReport.
	ClusterPolicyReportName = "kubestride-cluster"
)

// The policies of the results that are not a check's: input that could not
// be read or evaluated, and lists of a live cluster that could not be
// completed.
const (
	policyInput    = "kubestride.input"
	policyCoverage = "kubestride.coverage"
)

// PolicyReport is a wgpolicyk8s.io/v1alpha2 PolicyReport (Namespace set) or
// ClusterPolicyReport, with the fields kubestride writes; the JSON names are
// the CRD's.
type PolicyReport struct {
	APIVersion string               `json:"apiVersion"`
	Kind       string               `json:"kind"`
	Metadata   PolicyReportMeta     `json:"metadata"`
	Summary    PolicyReportSummary  `json:"summary"`
	Results    []PolicyReportResult `json:"results"`
}

// PolicyReportMeta is the report's object metadata.
type PolicyReportMeta struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace,omitempty"`
	Labels    map[string]string `json:"labels"`
}

// PolicyReportSummary counts a report's results by outcome.
type PolicyReportSummary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

// PolicyReportResult is one result: a finding, a check that passed or was
// not evaluated, or input that could not be read or evaluated.
type PolicyReportResult struct {
	Source   string `json:"source"`
	Policy   string `json:"policy"`
	Rule     string `json:"rule,omitempty"`
	Category string `json:"category,omitempty"`
	// Severity is one of the CRD's: critical, high, medium, low, info.
	Severity string `json:"severity,omitempty"`
	// Result is pass, fail, warn, error or skip.
	Result     string                 `json:"result"`
	Scored     bool                   `json:"scored"`
	Message    string                 `json:"message,omitempty"`
	Resources  []PolicyReportResource `json:"resources,omitempty"`
	Properties map[string]string      `json:"properties,omitempty"`
	Timestamp  *PolicyReportTimestamp `json:"timestamp,omitempty"`
}

// PolicyReportResource refers to the object a result is about.
type PolicyReportResource struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name,omitempty"`
}

// PolicyReportTimestamp is the time of the scan, as the CRD's timestamp.
type PolicyReportTimestamp struct {
	Seconds int64 `json:"seconds"`
	Nanos   int32 `json:"nanos"`
}

// PolicyReports turns a finalized report into PolicyReports, one per
// namespace that has results, sorted by namespace, and the one
// ClusterPolicyReport, last.
//
// A finding about a namespaced object goes to its namespace's report, and
// every other result to the ClusterPolicyReport: findings about
// cluster-scoped objects, files, audit trails and images; a pass per check
// that ran and found nothing anywhere (what JUnit lists as passing); a skip,
// with the reason, per check that had nothing to judge (NotEvaluated); and
// an error per input that could not be read or evaluated. A list of a live
// cluster that could not be completed is an error in its namespace's report
// when it was of one namespace. A finding is fail whatever its severity
// (which the result carries) and --fail-on (a threshold for the exit code,
// which a scheduled scan sets to none): the reports say the same whatever
// the run's exit code. A suppressed finding is skip, with the suppression in
// its properties. Results keep the report's order.
//
// No report sets scope: a report is the namespace's (or the cluster's), and
// its results name their objects; Policy Reporter reads a report with a
// scope as about that one object.
func PolicyReports(r *Report) []PolicyReport {
	var ts *PolicyReportTimestamp
	if t := r.Settings.Time; !t.IsZero() {
		ts = &PolicyReportTimestamp{Seconds: t.Unix(), Nanos: int32(t.Nanosecond())}
	}
	byNamespace := map[string]*PolicyReport{}
	cluster := newPolicyReport("ClusterPolicyReport", ClusterPolicyReportName, "")
	reportFor := func(ns string) *PolicyReport {
		if ns == "" {
			return cluster
		}
		p := byNamespace[ns]
		if p == nil {
			p = newPolicyReport("PolicyReport", "kubestride-"+ns, ns)
			byNamespace[ns] = p
		}
		return p
	}

	found := map[check.ID]bool{}
	for i := range r.Findings {
		f := &r.Findings[i]
		found[f.ID] = true
		res := findingResult(f, ts)
		ns := ""
		if f.SubjectKind() == "object" {
			ns = f.Resource.Namespace
		}
		reportFor(ns).add(res)
	}
	for _, m := range r.Rules {
		if reason, skipped := r.NotEvaluated[m.ID]; skipped {
			cluster.add(PolicyReportResult{
				Source: PolicyReportSource, Policy: string(m.ID), Rule: string(m.ID), Category: string(m.Category),
				Severity: severityName(m.Severity), Result: "skip", Message: reason, Timestamp: ts,
			})
			continue
		}
		if !found[m.ID] {
			cluster.add(PolicyReportResult{
				Source: PolicyReportSource, Policy: string(m.ID), Rule: string(m.ID), Category: string(m.Category),
				Severity: severityName(m.Severity), Result: "pass", Scored: true, Message: "no findings", Timestamp: ts,
			})
		}
	}
	for _, e := range r.Errors {
		props := map[string]string{}
		if e.File != "" {
			props["file"] = e.File
		}
		if e.Line > 0 {
			props["line"] = strconv.Itoa(e.Line)
		}
		cluster.add(PolicyReportResult{
			Source: PolicyReportSource, Policy: policyInput, Rule: "read", Result: "error",
			Message: e.Message, Properties: nonEmpty(props), Timestamp: ts,
		})
	}
	if r.Coverage != nil {
		for _, g := range r.Coverage.Gaps {
			props := map[string]string{"resource": g.Resource, "reason": g.Reason}
			if g.Namespace != "" {
				props["namespace"] = g.Namespace
			}
			if g.Partial {
				props["partial"] = "true"
			}
			reportFor(g.Namespace).add(PolicyReportResult{
				Source: PolicyReportSource, Policy: policyCoverage, Rule: "list", Result: "error",
				Message: "could not list " + gapWhere(g) + ": " + gapMessage(g), Properties: props, Timestamp: ts,
			})
		}
	}

	namespaces := make([]string, 0, len(byNamespace))
	for ns := range byNamespace {
		namespaces = append(namespaces, ns)
	}
	slices.Sort(namespaces)
	out := make([]PolicyReport, 0, len(namespaces)+1)
	for _, ns := range namespaces {
		out = append(out, *byNamespace[ns])
	}
	return append(out, *cluster)
}

func newPolicyReport(kind, name, namespace string) *PolicyReport {
	return &PolicyReport{
		APIVersion: PolicyReportAPIVersion,
		Kind:       kind,
		Metadata: PolicyReportMeta{
			Name: name, Namespace: namespace,
			Labels: map[string]string{"app.kubernetes.io/managed-by": PolicyReportManagedBy},
		},
		Results: []PolicyReportResult{},
	}
}

// add appends a result and counts it in the summary.
func (p *PolicyReport) add(res PolicyReportResult) {
	p.Results = append(p.Results, res)
	switch res.Result {
	case "pass":
		p.Summary.Pass++
	case "fail":
		p.Summary.Fail++
	case "warn":
		p.Summary.Warn++
	case "error":
		p.Summary.Error++
	case "skip":
		p.Summary.Skip++
	}
}

// findingResult is a finding's result: fail, or skip when suppressed.
func findingResult(f *Finding, ts *PolicyReportTimestamp) PolicyReportResult {
	res := PolicyReportResult{
		Source: PolicyReportSource, Policy: string(f.ID), Rule: string(f.ID), Category: string(f.Category),
		Severity: severityName(f.Severity), Result: "fail", Scored: true, Message: f.Message, Timestamp: ts,
	}
	props := map[string]string{"title": f.Title}
	if f.Field != "" {
		props["field"] = f.Field
	}
	if f.Remediation != "" {
		props["remediation"] = f.Remediation
	}
	if l := f.Location; l != nil {
		props["location"] = fileLine(l.File, l.Line)
	}
	if p := f.PSS; p != nil {
		res.Rule = p.Check
		props["pss.level"], props["pss.version"], props["pss.check"] = p.Level, p.Version, p.Check
	}
	switch {
	case f.File != nil:
		props["file"] = f.File.Path
		if f.File.Line > 0 {
			props["file.line"] = strconv.Itoa(f.File.Line)
		}
		if f.File.Key != "" {
			props["file.key"] = f.File.Key
		}
	case f.AuditTrail != nil:
		props["principal"] = f.AuditTrail.Principal
		ids := make([]string, len(f.AuditTrail.Events))
		for i, e := range f.AuditTrail.Events {
			ids[i] = e.AuditID
		}
		props["auditIDs"] = strings.Join(ids, ",")
	case f.Image != nil:
		props["image"] = f.Image.Reference
		if f.Image.Digest != "" {
			props["image.digest"] = f.Image.Digest
		}
	default:
		rs := f.Resource
		res.Resources = []PolicyReportResource{{APIVersion: rs.APIVersion, Kind: rs.Kind, Namespace: rs.Namespace, Name: rs.Name}}
		if rs.Pods > 0 {
			props["pods"] = strconv.Itoa(rs.Pods)
		}
	}
	if sp := f.Suppressed; sp != nil {
		res.Result, res.Scored = "skip", false
		props["suppressed.kind"] = sp.Kind
		props["suppressed.reason"] = sp.Reason
		if sp.Expires != "" {
			props["suppressed.expires"] = sp.Expires
		}
	}
	res.Properties = props
	return res
}

// severityName is the CRD's name of s; "" (left out) when s is not set,
// which the CRD's enum would refuse.
func severityName(s check.Severity) string {
	if !s.Valid() {
		return ""
	}
	return s.String()
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// renderPolicyReport writes PolicyReports(r) as a YAML stream, a document
// per report, as kubectl apply reads it. A string is written plain only when
// it is a simple word (appendYAMLString), else double-quoted with JSON's
// escapes, which YAML's double-quoted style shares, after package
// textsafe's: no value can change the document's structure or put a control
// character on a terminal.
func renderPolicyReport(w io.Writer, r *Report, _ Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var b []byte
	for i, p := range PolicyReports(r) {
		if i > 0 {
			b = append(b, "---\n"...)
		}
		b = appendPolicyReportYAML(b, &p)
		if _, err := bw.Write(b); err != nil {
			return err
		}
		b = b[:0]
	}
	return bw.Flush()
}

func appendPolicyReportYAML(b []byte, p *PolicyReport) []byte {
	b = yamlField(b, "", "apiVersion", p.APIVersion)
	b = yamlField(b, "", "kind", p.Kind)
	b = append(b, "metadata:\n"...)
	b = yamlField(b, "  ", "name", p.Metadata.Name)
	if p.Metadata.Namespace != "" {
		b = yamlField(b, "  ", "namespace", p.Metadata.Namespace)
	}
	b = yamlMap(b, "  ", "labels", p.Metadata.Labels)
	b = append(b, "summary:\n"...)
	for _, c := range [...]struct {
		name string
		n    int
	}{{"pass", p.Summary.Pass}, {"fail", p.Summary.Fail}, {"warn", p.Summary.Warn}, {"error", p.Summary.Error}, {"skip", p.Summary.Skip}} {
		b = append(b, "  "+c.name+": "...)
		b = strconv.AppendInt(b, int64(c.n), 10)
		b = append(b, '\n')
	}
	if len(p.Results) == 0 {
		return append(b, "results: []\n"...)
	}
	b = append(b, "results:\n"...)
	for i := range p.Results {
		res := &p.Results[i]
		b = yamlField(b, "- ", "source", res.Source)
		const in = "  "
		b = yamlField(b, in, "policy", res.Policy)
		if res.Rule != "" {
			b = yamlField(b, in, "rule", res.Rule)
		}
		if res.Category != "" {
			b = yamlField(b, in, "category", res.Category)
		}
		if res.Severity != "" {
			b = yamlField(b, in, "severity", res.Severity)
		}
		b = yamlField(b, in, "result", res.Result)
		b = append(b, in+"scored: "...)
		b = strconv.AppendBool(b, res.Scored)
		b = append(b, '\n')
		if res.Message != "" {
			b = yamlField(b, in, "message", res.Message)
		}
		if len(res.Resources) > 0 {
			b = append(b, in+"resources:\n"...)
			for _, o := range res.Resources {
				first := in + "- "
				for _, kv := range [...][2]string{{"apiVersion", o.APIVersion}, {"kind", o.Kind}, {"namespace", o.Namespace}, {"name", o.Name}} {
					if kv[1] == "" {
						continue
					}
					b = yamlField(b, first, kv[0], kv[1])
					first = in + "  "
				}
			}
		}
		if len(res.Properties) > 0 {
			b = yamlMap(b, in, "properties", res.Properties)
		}
		if t := res.Timestamp; t != nil {
			b = append(b, in+"timestamp:\n"+in+"  seconds: "...)
			b = strconv.AppendInt(b, t.Seconds, 10)
			b = append(b, "\n"+in+"  nanos: "...)
			b = strconv.AppendInt(b, int64(t.Nanos), 10)
			b = append(b, '\n')
		}
	}
	return b
}

// yamlField appends `indent name: "value"`.
func yamlField(b []byte, indent, name, value string) []byte {
	b = append(b, indent...)
	b = append(b, name...)
	b = append(b, ": "...)
	b = appendYAMLString(b, value)
	return append(b, '\n')
}

// appendYAMLString appends s plain when it is a word YAML reads as that
// string (a letter, then letters, digits and ". _ / -"; not one of the words
// YAML 1.1 reads as a boolean or null), else double-quoted with JSON's
// escapes.
func appendYAMLString(b []byte, s string) []byte {
	if plainYAML(s) {
		return append(b, s...)
	}
	return appendJSONString(b, s)
}

func plainYAML(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '/' || c == '-') {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return false
	}
	return true
}

// yamlMap appends a map of strings with its keys sorted and quoted.
func yamlMap(b []byte, indent, name string, m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, indent...)
	b = append(b, name...)
	b = append(b, ":\n"...)
	for _, k := range keys {
		b = append(b, indent+"  "...)
		b = appendYAMLString(b, k)
		b = append(b, ": "...)
		b = appendYAMLString(b, m[k])
		b = append(b, '\n')
	}
	return b
}
