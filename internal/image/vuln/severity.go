package vuln

import (
	"fmt"
	"strings"
)

// Severity ranks a vulnerability. The zero value is Unknown: the scanner
// gave no severity, or one kubestride does not know.
type Severity int

// Severities from the least to the most severe.
const (
	Unknown Severity = iota
	Negligible
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"unknown", "negligible", "low", "medium", "high", "critical"}

// String returns the lowercase name of s.
func (s Severity) String() string {
	if s < Unknown || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name in any case ("CRITICAL", "High",
// "medium"). CycloneDX's "info" and "none" read as negligible. An empty
// name is Unknown.
func ParseSeverity(name string) (Severity, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "", "unknown":
		return Unknown, nil
	case "info", "none":
		return Negligible, nil
	}
	for i, s := range severityNames {
		if s == n {
			return Severity(i), nil
		}
	}
	return Unknown, fmt.Errorf("unknown severity %q (want critical, high, medium, low, negligible or unknown)", name)
}

// FromScore maps a CVSS base score to a severity the way CVSS v3 and
// GitHub's security-severity do: 9.0 and above critical, 7.0 high, 4.0
// medium, above 0 low, 0 negligible.
func FromScore(score float64) Severity {
	switch {
	case score >= 9.0:
		return Critical
	case score >= 7.0:
		return High
	case score >= 4.0:
		return Medium
	case score > 0:
		return Low
	default:
		return Negligible
	}
}
