package check

import "fmt"

// Severity ranks findings. The zero value means "not set".
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota + 1
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"", "info", "low", "medium", "high", "critical"}

// Valid reports whether s is one of the five severities.
func (s Severity) Valid() bool { return s >= Info && s <= Critical }

// String returns the lowercase name ("high"), or "unset".
func (s Severity) String() string {
	if !s.Valid() {
		return "unset"
	}
	return severityNames[s]
}

// ParseSeverity reads a lowercase severity name.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if i > 0 && n == name {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", name)
}

// MarshalText writes the lowercase name.
func (s Severity) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("severity %d is not set", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads the lowercase name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
