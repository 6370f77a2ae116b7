package report

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/textsafe"
)

func init() { registerFormat("sarif", renderSARIF) }

// SARIF constants. The schema URI is the one GitHub code scanning documents.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// sarifInformationURI is the tool's home page.
	sarifInformationURI = "https://github.com/kubestride/kubestride"
	// sarifFingerprintKey names kubestride's partial fingerprint; the /v1
	// changes if the fingerprint's inputs ever do.
	sarifFingerprintKey = "kubestrideFinding/v1"
)

// renderSARIF writes a SARIF 2.1.0 log with one run, as GitHub code scanning
// reads it: every check that ran is a rule with a numeric security-severity,
// every finding a result (suppressed ones carry a suppression), and input
// that could not be read or evaluated a tool execution notification.
//
// The bytes are those encoding/json writes for the log with two-space
// indentation (sarif_test.go holds the writer to that), with DEL, the C1 and
// the bidi controls written as \u escapes (textsafe.JSONWriter). The envelope, the
// rules and the invocation go through encoding/json; the results, as many as
// the findings, are written one at a time without reflection, so the log is
// never held in memory.
func renderSARIF(w io.Writer, r *Report, _ Options) error {
	effective, err := ruleSeverities(r)
	if err != nil {
		return err
	}
	ruleIndex := make(map[check.ID]int, len(r.Rules))
	for i, m := range r.Rules {
		ruleIndex[m.ID] = i
	}
	safe := textsafe.NewJSONWriter(w)
	bw := bufio.NewWriterSize(safe, 64<<10)
	jw := jsonWriter{w: bw}
	jw.raw("{\n")
	jw.raw(`  "$schema": "` + sarifSchema + "\",\n")
	jw.raw(`  "version": "` + sarifVersion + "\",\n")
	jw.raw("  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n")
	jw.scratch = appendField(jw.scratch[:0], "          ", "name", toolName(r.Tool), true)
	if r.Tool.Version != "" {
		jw.scratch = appendField(jw.scratch, "          ", "version", r.Tool.Version, true)
	}
	jw.scratch = appendField(jw.scratch, "          ", "informationUri", sarifInformationURI, true)
	jw.write(jw.scratch)
	jw.raw(`          "rules": `)
	jw.value(sarifRules(r, effective), "          ")
	jw.raw("\n        }\n      },\n")
	jw.raw(`      "invocations": `)
	jw.value([]sarifInvocation{sarifInvocationOf(r)}, "      ")
	jw.raw(",\n")
	jw.raw(`      "results": `)
	if len(r.Findings) == 0 {
		jw.raw("[]\n")
	} else {
		jw.raw("[\n")
		for i := range r.Findings {
			f := &r.Findings[i]
			idx, ok := ruleIndex[f.ID]
			if !ok {
				idx = -1
			}
			jw.scratch = appendSARIFResult(jw.scratch[:0], f, idx)
			if i < len(r.Findings)-1 {
				jw.scratch = append(jw.scratch, ',')
			}
			jw.scratch = append(jw.scratch, '\n')
			jw.write(jw.scratch)
		}
		jw.raw("      ]\n")
	}
	jw.raw("    }\n  ]\n}\n")
	if jw.err != nil {
		return jw.err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return safe.Close()
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifText          `json:"help"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
}

type sarifInvocation struct {
	ExecutionSuccessful            bool                `json:"executionSuccessful"`
	ToolExecutionNotifications     []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	ToolConfigurationNotifications []sarifNotification `json:"toolConfigurationNotifications,omitempty"`
	Properties                     map[string]string   `json:"properties,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
	// AssociatedRule is the check a notification is about (one not
	// evaluated).
	AssociatedRule *sarifRuleReference `json:"associatedRule,omitempty"`
}

type sarifRuleReference struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	// Message names the field, on a related location.
	Message *sarifText `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifRules is a rule for every check that ran; a rule's level and
// security-severity follow the highest effective severity of its findings.
func sarifRules(r *Report, effective map[check.ID]check.Severity) []sarifRule {
	rules := make([]sarifRule, 0, len(r.Rules))
	for _, m := range r.Rules {
		sev := m.Severity
		if s, ok := effective[m.ID]; ok {
			sev = s
		}
		rule := sarifRule{
			ID:                   string(m.ID),
			Name:                 pascalCase(m.Title, string(m.ID)),
			ShortDescription:     sarifText{Text: m.Title},
			FullDescription:      sarifText{Text: m.Description},
			Help:                 sarifText{Text: m.Remediation},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(sev)},
			Properties: sarifRuleProps{
				Tags:             ruleTags(m),
				SecuritySeverity: securitySeverity(sev),
				Precision:        "high",
			},
		}
		if len(m.References) > 0 {
			rule.HelpURI = m.References[0]
		}
		rules = append(rules, rule)
	}
	return rules
}

// sarifInvocationOf is the run's invocation: whether it succeeded, the
// errors and notices as notifications, each check not evaluated as a note
// on its rule (Report.NotEvaluated), and the settings.
func sarifInvocationOf(r *Report) sarifInvocation {
	inv := sarifInvocation{ExecutionSuccessful: len(problems(r)) == 0}
	for _, e := range problems(r) {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "error", Message: sarifText{Text: e.Message}, Locations: fileLocations(e.File, e.Line)})
	}
	for i, m := range r.Rules {
		if why, ok := r.NotEvaluated[m.ID]; ok {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
				sarifNotification{Level: "note", Message: sarifText{Text: string(m.ID) + ": " + why}, AssociatedRule: &sarifRuleReference{ID: string(m.ID), Index: i}})
		}
	}
	for _, n := range r.Notices {
		inv.ToolConfigurationNotifications = append(inv.ToolConfigurationNotifications,
			sarifNotification{Level: "warning", Message: sarifText{Text: n.Message}, Locations: fileLocations(n.File, n.Line)})
	}
	if props := settingsProperties(r.Settings); len(props) > 0 {
		inv.Properties = props
	}
	return inv
}

// appendSARIFResult appends the result for f, as encoding/json writes a
// sarifResult in the results list; ruleIndex is the index of its rule, or -1
// when the check is not among the rules.
func appendSARIFResult(b []byte, f *Finding, ruleIndex int) []byte {
	const (
		in1 = "          "
		in2 = in1 + "  "
		in3 = in2 + "  "
		in4 = in3 + "  "
		in5 = in4 + "  "
	)
	b = append(b, "        {\n"...)
	b = appendField(b, in1, "ruleId", string(f.ID), true)
	if ruleIndex >= 0 {
		b = append(b, in1+`"ruleIndex": `...)
		b = strconv.AppendInt(b, int64(ruleIndex), 10)
		b = append(b, ",\n"...)
	}
	b = appendField(b, in1, "level", sarifLevel(f.Severity), true)
	b = append(b, in1+"\"message\": {\n"...)
	b = appendField(b, in2, "text", f.Message, false)
	b = append(b, in1+"},\n"...)

	// The location is the finding's file and line or, for a finding that
	// did not come from a file, its resource.
	b = append(b, in1+"\"locations\": [\n"+in2+"{\n"...)
	if l := f.Location; l != nil && l.File != "" && l.File != object.StdinName {
		b = append(b, in3+"\"physicalLocation\": {\n"+in4+"\"artifactLocation\": {\n"...)
		b = appendField(b, in5, "uri", fileURI(l.File), false)
		if l.Line > 0 {
			b = append(b, in4+"},\n"+in4+"\"region\": {\n"+in5+"\"startLine\": "...)
			b = strconv.AppendInt(b, int64(l.Line), 10)
			b = append(b, '\n')
		}
		b = append(b, in4+"}\n"+in3+"}\n"...)
	} else {
		b = append(b, in3+"\"logicalLocations\": [\n"+in4+"{\n"...)
		if name := subjectName(f); name != "" {
			b = appendField(b, in5, "name", name, true)
		}
		b = append(b, in5+"\"fullyQualifiedName\": "...)
		start := len(b)
		b = appendSubject(b, f)
		b = jsonStringFrom(b, start)
		b = append(b, ",\n"+in5+"\"kind\": \"resource\"\n"+in4+"}\n"+in3+"]\n"...)
	}
	b = append(b, in2+"}\n"+in1+"],\n"...)

	// The other places of the same fault (the other offending containers
	// of a PSS finding) that are in a file, with the field as message.
	if n := relatedInFiles(f); n > 0 {
		b = append(b, in1+"\"relatedLocations\": [\n"...)
		for i := range f.Related {
			r := &f.Related[i]
			if r.File == "" || r.File == object.StdinName {
				continue
			}
			b = append(b, in2+"{\n"+in3+"\"physicalLocation\": {\n"+in4+"\"artifactLocation\": {\n"...)
			b = appendField(b, in5, "uri", fileURI(r.File), false)
			if r.Line > 0 {
				b = append(b, in4+"},\n"+in4+"\"region\": {\n"+in5+"\"startLine\": "...)
				b = strconv.AppendInt(b, int64(r.Line), 10)
				b = append(b, '\n')
			}
			b = append(b, in4+"}\n"+in3+"},\n"+in3+"\"message\": {\n"...)
			b = appendField(b, in4, "text", r.Field, false)
			b = append(b, in3+"}\n"+in2+"}"...)
			if n--; n > 0 {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		b = append(b, in1+"],\n"...)
	}

	b = append(b, in1+"\"partialFingerprints\": {\n"+in2+"\""+sarifFingerprintKey+"\": \""...)
	b = appendFingerprint(b, f)
	b = append(b, "\"\n"+in1+"},\n"...)

	b = append(b, in1+"\"properties\": {\n"...)
	b = appendField(b, in2, "category", string(f.Category), true)
	b = appendField(b, in2, "severity", f.Severity.String(), true)
	switch {
	case f.File != nil:
		b = append(b, in2+"\"file\": {\n"...)
		b = appendField(b, in3, "path", f.File.Path, true)
		b = appendField(b, in3, "key", f.File.Key, false)
	case f.AuditTrail != nil:
		b = append(b, in2+"\"auditTrail\": {\n"...)
		b = appendField(b, in3, "principal", f.AuditTrail.Principal, true)
		b = append(b, in3+"\"auditIDs\": ["...)
		for i, e := range f.AuditTrail.Events {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJSONString(b, e.AuditID)
		}
		b = append(b, "]\n"...)
	case f.Image != nil:
		b = append(b, in2+"\"image\": {\n"...)
		b = appendField(b, in3, "reference", f.Image.Reference, true)
		b = appendField(b, in3, "digest", f.Image.Digest, false)
	default:
		b = append(b, in2+"\"resource\": {\n"...)
		b = appendField(b, in3, "apiVersion", f.Resource.APIVersion, true)
		b = appendField(b, in3, "kind", f.Resource.Kind, true)
		b = appendField(b, in3, "namespace", f.Resource.Namespace, true)
		b = appendField(b, in3, "name", f.Resource.Name, false)
	}
	b = append(b, in2+"}"...)
	if f.Field != "" {
		b = append(b, ",\n"...)
		b = appendField(b, in2, "field", f.Field, f.PSS != nil)
	} else if f.PSS != nil {
		b = append(b, ",\n"...)
	} else {
		b = append(b, '\n')
	}
	if p := f.PSS; p != nil {
		b = append(b, in2+"\"pss\": {\n"...)
		b = appendField(b, in3, "level", p.Level, true)
		b = appendField(b, in3, "version", p.Version, true)
		b = appendField(b, in3, "check", p.Check, false)
		b = append(b, in2+"}\n"...)
	}
	b = append(b, in1+"}"...)

	if sp := f.Suppressed; sp != nil {
		kind := "external"
		if sp.Kind == "annotation" {
			// The annotation is in the analysed object itself.
			kind = "inSource"
		}
		b = append(b, ",\n"+in1+"\"suppressions\": [\n"+in2+"{\n"...)
		b = appendField(b, in3, "kind", kind, true)
		b = appendField(b, in3, "status", "accepted", true)
		b = appendField(b, in3, "justification", sp.Reason, sp.Expires != "")
		if sp.Expires != "" {
			b = append(b, in3+"\"properties\": {\n"...)
			b = appendField(b, in4, "expires", sp.Expires, false)
			b = append(b, in3+"}\n"...)
		}
		b = append(b, in2+"}\n"+in1+"]"...)
	}
	return append(b, "\n        }"...)
}

// toolName is the report's tool name, "kubestride" when it is not set.
func toolName(t Tool) string {
	if t.Name == "" {
		return "kubestride"
	}
	return t.Name
}

// ruleSeverities is, for each check with findings, the highest effective
// severity among them, so that a rule's security-severity follows a
// configured override rather than the check's default. It fails on a
// finding without a valid severity, which a result cannot carry, before
// anything is written.
func ruleSeverities(r *Report) (map[check.ID]check.Severity, error) {
	out := map[check.ID]check.Severity{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if !f.Severity.Valid() {
			_, err := f.Severity.MarshalText()
			return nil, fmt.Errorf("sarif result for check %s: %w", f.ID, err)
		}
		if f.Severity > out[f.ID] {
			out[f.ID] = f.Severity
		}
	}
	return out, nil
}

func settingsProperties(s Settings) map[string]string {
	props := map[string]string{}
	if s.FailOn.Valid() {
		props["failOn"] = s.FailOn.String()
	}
	if s.PSSLevel != "" {
		props["pssLevel"] = s.PSSLevel
	}
	if s.PSSVersion != "" {
		props["pssVersion"] = s.PSSVersion
	}
	return props
}

// sarifLevel maps a severity onto SARIF's result levels.
func sarifLevel(s check.Severity) string {
	switch s {
	case check.Critical, check.High:
		return "error"
	case check.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the CVSS-like score GitHub uses to rank alerts.
func securitySeverity(s check.Severity) string {
	switch s {
	case check.Critical:
		return "9.5"
	case check.High:
		return "8.0"
	case check.Medium:
		return "5.5"
	case check.Low:
		return "3.0"
	}
	return "1.0"
}

// relatedInFiles counts f's related locations that SARIF can give as
// physical locations: those in a file other than standard input.
func relatedInFiles(f *Finding) int {
	n := 0
	for i := range f.Related {
		if r := f.Related[i].File; r != "" && r != object.StdinName {
			n++
		}
	}
	return n
}

// fileLocations is the physical location of file:line, or nothing when there
// is no file (or the input was standard input, which has no URI).
func fileLocations(file string, line int) []sarifLocation {
	if file == "" || file == object.StdinName {
		return nil
	}
	loc := sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: fileURI(file)}}
	if line > 0 {
		loc.Region = &sarifRegion{StartLine: line}
	}
	return []sarifLocation{{PhysicalLocation: &loc}}
}

// fileURI turns a path as the user gave it into a URI reference: relative
// paths stay relative (so code scanning resolves them against the checkout),
// with forward slashes and without a leading "./"; absolute paths become
// file:// URIs.
func fileURI(file string) string {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive path, C:/...
		}
		return (&url.URL{Scheme: "file", Path: path.Clean(p)}).String()
	}
	return (&url.URL{Path: path.Clean(p)}).String()
}

// appendFingerprint appends the finding's partial fingerprint, which
// identifies it across runs whatever its line: the first 128 bits, in hex, of
// the SHA-256 of the check, the object (API version aside, as it changes on
// upgrades) and the field, each followed by a NUL byte.
func appendFingerprint(b []byte, f *Finding) []byte {
	start := len(b)
	_, a, c, d := f.subjectKey()
	parts := [...]string{string(f.ID), f.Resource.Kind, f.Resource.Namespace, f.Resource.Name, f.Field}
	if kind := f.SubjectKind(); kind != "object" {
		// A subject of another kind: its kind and identity stand where an
		// object's kind, namespace and name do.
		parts = [...]string{string(f.ID), kind, a, c + "\x00" + d, f.Field}
	}
	for _, s := range parts {
		b = append(b, s...)
		b = append(b, 0)
	}
	sum := sha256.Sum256(b[start:])
	return hex.AppendEncode(b[:start], sum[:16])
}

// subjectName is the short name of a finding's subject: an object's name, a
// file's path, a principal, an image reference.
func subjectName(f *Finding) string {
	switch {
	case f.File != nil:
		return f.File.Path
	case f.AuditTrail != nil:
		return f.AuditTrail.Principal
	case f.Image != nil:
		return f.Image.Reference
	}
	return f.Resource.Name
}

// pascalCase turns a title into a rule name, "Privileged container" into
// "PrivilegedContainer", falling back to the ID when the title is empty.
func pascalCase(title, id string) string {
	s := title
	if strings.TrimSpace(s) == "" {
		s = id
	}
	var b strings.Builder
	for _, word := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(word)
		b.WriteRune(unicode.ToUpper(rs[0]))
		b.WriteString(string(rs[1:]))
	}
	return b.String()
}

// ruleTags are a rule's SARIF tags: security, its STRIDE category, and its
// CIS Kubernetes Benchmark section ("CIS-1.2.1") where it has one.
func ruleTags(m check.Meta) []string {
	tags := []string{"security", string(m.Category)}
	if m.CIS != "" {
		tags = append(tags, "CIS-"+m.CIS)
	}
	return tags
}
