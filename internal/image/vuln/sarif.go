package vuln

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// sarifLog is the part of a SARIF 2.1.0 log that kubestride reads.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID                   string         `json:"id"`
					Properties           map[string]any `json:"properties"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			StartTimeUTC string `json:"startTimeUtc"`
			EndTimeUTC   string `json:"endTimeUtc"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
		Properties struct {
			ImageID     string   `json:"imageID"`
			ImageName   string   `json:"imageName"`
			RepoDigests []string `json:"repoDigests"`
		} `json:"properties"`
	} `json:"runs"`
}

// parseSARIF reads vulnerabilities from SARIF results. The severity is the
// rule's (or the result's) security-severity, a CVSS score as GitHub code
// scanning reads it; without one, the level: error is high, warning medium,
// note low, none negligible. Package and versions come from the message
// lines Trivy writes ("Package: openssl", "Installed Version: 3.0.1",
// "Fixed Version: 3.0.7"); other tools leave them empty. The image digests
// come from the run properties Trivy writes (repoDigests, imageID).
func parseSARIF(data []byte) (*Report, error) {
	var s sarifLog
	if err := decode(data, &s); err != nil {
		return nil, err
	}
	if s.Version != "2.1.0" {
		return nil, fmt.Errorf("version: %q is not supported (want 2.1.0)", s.Version)
	}
	var errs []error
	r := &Report{}
	for ri, run := range s.Runs {
		at := fmt.Sprintf("runs[%d]", ri)
		if r.Tool == "" {
			r.Tool = strings.TrimSpace(run.Tool.Driver.Name + " " + run.Tool.Driver.Version)
		}
		if r.Artifact == "" {
			r.Artifact = run.Properties.ImageName
		}
		for i, rd := range run.Properties.RepoDigests {
			d, err := refDigest(rd)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.properties.repoDigests[%d]: %w", at, i, err))
				continue
			}
			r.Digests = append(r.Digests, d)
		}
		if id := run.Properties.ImageID; id != "" {
			if !ValidDigest(id) {
				errs = append(errs, fmt.Errorf("%s.properties.imageID: %q is not a digest", at, id))
			}
			r.ConfigDigest = id
		}
		for i, inv := range run.Invocations {
			for name, v := range map[string]string{"endTimeUtc": inv.EndTimeUTC, "startTimeUtc": inv.StartTimeUTC} {
				t, err := parseTime(fmt.Sprintf("%s.invocations[%d].%s", at, i, name), v)
				if err != nil {
					errs = append(errs, err)
				} else if t.After(r.Created) {
					r.Created = t
				}
			}
		}
		rules := map[string]int{}
		for i, rule := range run.Tool.Driver.Rules {
			rules[rule.ID] = i
		}
		for i, res := range run.Results {
			field := fmt.Sprintf("%s.results[%d]", at, i)
			ri, ok := rules[res.RuleID]
			if res.RuleIndex != nil {
				ri, ok = *res.RuleIndex, *res.RuleIndex >= 0 && *res.RuleIndex < len(run.Tool.Driver.Rules)
			}
			id := res.RuleID
			if id == "" && ok {
				id = run.Tool.Driver.Rules[ri].ID
			}
			if id == "" {
				errs = append(errs, fmt.Errorf("%s.ruleId: missing", field))
				continue
			}
			sev, found, err := securitySeverity(res.Properties)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.properties.security-severity: %w", field, err))
				continue
			}
			level := res.Level
			if !found && ok {
				rule := run.Tool.Driver.Rules[ri]
				sev, found, err = securitySeverity(rule.Properties)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s.tool.driver.rules[%d].properties.security-severity: %w", at, ri, err))
					continue
				}
				if level == "" {
					level = rule.DefaultConfiguration.Level
				}
			}
			if !found {
				if sev, err = levelSeverity(level); err != nil {
					errs = append(errs, fmt.Errorf("%s.level: %w", field, err))
					continue
				}
			}
			f := Finding{ID: id, Severity: sev, Field: field}
			f.Package, f.Version, f.FixedVersion = messagePackage(res.Message.Text)
			r.Findings = append(r.Findings, f)
		}
	}
	return r, errors.Join(errs...)
}

// securitySeverity reads the security-severity property (a CVSS score, as
// a string or a number).
func securitySeverity(props map[string]any) (Severity, bool, error) {
	v, ok := props["security-severity"]
	if !ok {
		return Unknown, false, nil
	}
	var score float64
	switch x := v.(type) {
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return Unknown, false, fmt.Errorf("%q is not a score", x)
		}
		score = f
	case float64:
		score = x
	default:
		b, _ := json.Marshal(v)
		return Unknown, false, fmt.Errorf("%s is not a score", b)
	}
	if score < 0 || score > 10 {
		return Unknown, false, fmt.Errorf("%g is not a score between 0 and 10", score)
	}
	return FromScore(score), true, nil
}

func levelSeverity(level string) (Severity, error) {
	switch level {
	case "error":
		return High, nil
	case "warning", "":
		// SARIF's default level is warning.
		return Medium, nil
	case "note":
		return Low, nil
	case "none":
		return Negligible, nil
	}
	return Unknown, fmt.Errorf("%q is not a SARIF level (error, warning, note, none)", level)
}

// messagePackage reads the package lines of a Trivy SARIF message.
func messagePackage(text string) (pkg, version, fixed string) {
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "Package":
			pkg = v
		case "Installed Version":
			version = v
		case "Fixed Version":
			fixed = v
		}
	}
	return pkg, version, fixed
}
