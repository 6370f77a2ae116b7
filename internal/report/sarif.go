package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/source"
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
func renderSARIF(w io.Writer, r *Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(buildSARIF(r))
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
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
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           *int               `json:"ruleIndex,omitempty"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Properties          sarifResultProps   `json:"properties"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
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

type sarifResultProps struct {
	Category check.Category `json:"category"`
	Severity check.Severity `json:"severity"`
	Resource Resource       `json:"resource"`
	Field    string         `json:"field,omitempty"`
	PSS      *check.PSS     `json:"pss,omitempty"`
}

type sarifSuppression struct {
	Kind          string            `json:"kind"`
	Status        string            `json:"status"`
	Justification string            `json:"justification"`
	Properties    map[string]string `json:"properties,omitempty"`
}

func buildSARIF(r *Report) sarifLog {
	rules := make([]sarifRule, 0, len(r.Rules))
	ruleIndex := map[check.ID]int{}
	effective := ruleSeverities(r)
	for i, m := range r.Rules {
		ruleIndex[m.ID] = i
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
				Tags:             []string{"security", string(m.Category)},
				SecuritySeverity: securitySeverity(sev),
				Precision:        "high",
			},
		}
		if len(m.References) > 0 {
			rule.HelpURI = m.References[0]
		}
		rules = append(rules, rule)
	}

	results := make([]sarifResult, 0, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		res := sarifResult{
			RuleID:              string(f.ID),
			Level:               sarifLevel(f.Severity),
			Message:             sarifText{Text: f.Message},
			Locations:           []sarifLocation{findingLocation(f)},
			PartialFingerprints: map[string]string{sarifFingerprintKey: fingerprint(f)},
			Properties: sarifResultProps{
				Category: f.Category,
				Severity: f.Severity,
				Resource: f.Resource,
				Field:    f.Field,
				PSS:      f.PSS,
			},
		}
		if idx, ok := ruleIndex[f.ID]; ok {
			res.RuleIndex = &idx
		}
		if s := f.Suppressed; s != nil {
			sup := sarifSuppression{Kind: "external", Status: "accepted", Justification: s.Reason}
			if s.Kind == "annotation" {
				// The annotation is in the analysed object itself.
				sup.Kind = "inSource"
			}
			if s.Expires != "" {
				sup.Properties = map[string]string{"expires": s.Expires}
			}
			res.Suppressions = []sarifSuppression{sup}
		}
		results = append(results, res)
	}

	inv := sarifInvocation{ExecutionSuccessful: len(r.Errors) == 0}
	for _, e := range r.Errors {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "error", Message: sarifText{Text: e.Message}, Locations: fileLocations(e.File, e.Line)})
	}
	for _, n := range r.Notices {
		inv.ToolConfigurationNotifications = append(inv.ToolConfigurationNotifications,
			sarifNotification{Level: "warning", Message: sarifText{Text: n.Message}, Locations: fileLocations(n.File, n.Line)})
	}
	if props := settingsProperties(r.Settings); len(props) > 0 {
		inv.Properties = props
	}

	return sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           toolName(r.Tool),
				Version:        r.Tool.Version,
				InformationURI: sarifInformationURI,
				Rules:          rules,
			}},
			Invocations: []sarifInvocation{inv},
			Results:     results,
		}},
	}
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
// configured override rather than the check's default.
func ruleSeverities(r *Report) map[check.ID]check.Severity {
	out := map[check.ID]check.Severity{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Severity > out[f.ID] {
			out[f.ID] = f.Severity
		}
	}
	return out
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

// findingLocation points at the finding's file and line, or, for a finding
// that did not come from a file, names its resource.
func findingLocation(f *Finding) sarifLocation {
	if f.Location != nil {
		if locs := fileLocations(f.Location.File, f.Location.Line); len(locs) > 0 {
			return locs[0]
		}
	}
	return sarifLocation{LogicalLocations: []sarifLogicalLocation{{
		Name:               f.Resource.Name,
		FullyQualifiedName: resourceString(f.Resource),
		Kind:               "resource",
	}}}
}

// fileLocations is the physical location of file:line, or nothing when there
// is no file (or the input was standard input, which has no URI).
func fileLocations(file string, line int) []sarifLocation {
	if file == "" || file == source.StdinName {
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

// fingerprint identifies a finding across runs, whatever its line: the
// check, the object (API version aside, as it changes on upgrades) and the
// field.
func fingerprint(f *Finding) string {
	h := sha256.New()
	for _, s := range []string{string(f.ID), f.Resource.Kind, f.Resource.Namespace, f.Resource.Name, f.Field} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
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
