package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
)

// Config is the content of a kubestride configuration file.
type Config struct {
	// File is where the configuration was read from (empty for defaults).
	File string `json:"-"`
	// FailOn is the default for --fail-on; empty means "high", "none"
	// that findings never fail the run.
	FailOn string `json:"failOn,omitempty"`
	// PSS sets the defaults for --pss-level and --pss-version.
	PSS PSS `json:"pss,omitempty"`
	// Checks configures checks by ID.
	Checks map[check.ID]CheckConfig `json:"checks,omitempty"`
	// Exemptions suppress findings that match them.
	Exemptions []Exemption `json:"exemptions,omitempty"`
	// PodTemplates adds to the built-in table of custom resources that
	// embed pods (inventory.DefaultPodTemplates); an entry for a group, kind
	// and path the table holds replaces it.
	PodTemplates []inventory.PodTemplate `json:"podTemplates,omitempty"`
	// Webhook configures the admission webhook (kubestride webhook).
	Webhook Webhook `json:"webhook,omitzero"`
	// ImagePolicy is the image policy file (kubestride.io/v1alpha1
	// ImagePolicy) scan applies to every container image, relative to this
	// file's directory; --image-policy replaces it.
	ImagePolicy string `json:"imagePolicy,omitempty"`
}

// ImagePolicyPath is ImagePolicy resolved against the configuration file's
// directory; empty when none is set.
func (c *Config) ImagePolicyPath() string {
	if c == nil || c.ImagePolicy == "" {
		return ""
	}
	if filepath.IsAbs(c.ImagePolicy) || c.File == "" {
		return c.ImagePolicy
	}
	return filepath.Join(filepath.Dir(c.File), c.ImagePolicy)
}

// Templates returns the table of custom resources that embed pods: the
// built-in one with the configured entries.
func (c *Config) Templates() *inventory.PodTemplates {
	if c == nil || len(c.PodTemplates) == 0 {
		return nil
	}
	return inventory.NewPodTemplates(c.PodTemplates...)
}

// PSS holds Pod Security Standards defaults.
type PSS struct {
	Level   string `json:"level,omitempty"`
	Version string `json:"version,omitempty"`
}

// CheckConfig configures one check.
type CheckConfig struct {
	// Disabled turns the check off.
	Disabled bool `json:"disabled,omitempty"`
	// Enabled turns on an optional check.
	Enabled bool `json:"enabled,omitempty"`
	// Severity overrides the check's severity for all of its findings.
	Severity string `json:"severity,omitempty"`
}

// Exemption suppresses the findings it matches. Namespace, Kind and Name are
// glob patterns (path.Match syntax); an empty pattern matches anything.
// Checks lists check IDs; empty means every check.
type Exemption struct {
	Namespace string     `json:"namespace,omitempty"`
	Kind      string     `json:"kind,omitempty"`
	Name      string     `json:"name,omitempty"`
	Checks    []check.ID `json:"checks,omitempty"`
	// Reason is mandatory: why the risk is accepted.
	Reason string `json:"reason"`
	// Expires is an optional date (YYYY-MM-DD); from that day on the
	// exemption no longer applies.
	Expires string `json:"expires,omitempty"`
	// Line is the line of the exemption in the file, for messages.
	Line int `json:"-"`

	expires time.Time
}

// ExpiresAt returns the expiry date, or the zero time when there is none.
func (e *Exemption) ExpiresAt() time.Time { return e.expires }

// Expired reports whether the exemption has expired at now.
func (e *Exemption) Expired(now time.Time) bool {
	return !e.expires.IsZero() && !now.Before(e.expires)
}

// Matches reports whether the exemption covers a finding of check id on the
// object kind namespace/name.
func (e *Exemption) Matches(id check.ID, kind, namespace, name string) bool {
	if !glob(e.Namespace, namespace) || !glob(e.Kind, kind) || !glob(e.Name, name) {
		return false
	}
	if len(e.Checks) == 0 {
		return true
	}
	for _, c := range e.Checks {
		if c == id {
			return true
		}
	}
	return false
}

func glob(pattern, s string) bool {
	if pattern == "" || pattern == "*" {
		return true
	}
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// Load reads and validates the configuration file at file. Checks named in
// it are validated against reg.
func Load(file string, reg *check.Registry) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(data, reg)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", file, err)
	}
	c.File = file
	return c, nil
}

// Parse reads and validates a configuration.
func Parse(data []byte, reg *check.Registry) (*Config, error) {
	var c Config
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return nil, errors.New(strings.TrimPrefix(strings.TrimPrefix(err.Error(), "error unmarshaling JSON: while decoding JSON: "), "json: "))
	}
	lines := exemptionLines(data)
	var errs []error
	if c.FailOn != "" && c.FailOn != "none" {
		if _, err := check.ParseSeverity(c.FailOn); err != nil {
			errs = append(errs, fmt.Errorf("failOn: %w", err))
		}
	}
	for id, cc := range c.Checks {
		if _, ok := reg.Get(id); !ok {
			errs = append(errs, fmt.Errorf("checks.%s: no such check (see kubestride checks)", id))
		}
		if cc.Severity != "" {
			if _, err := check.ParseSeverity(cc.Severity); err != nil {
				errs = append(errs, fmt.Errorf("checks.%s.severity: %w", id, err))
			}
		}
		if cc.Disabled && cc.Enabled {
			errs = append(errs, fmt.Errorf("checks.%s: disabled and enabled are both set", id))
		}
	}
	for i := range c.Exemptions {
		e := &c.Exemptions[i]
		if i < len(lines) {
			e.Line = lines[i]
		}
		at := fmt.Sprintf("exemptions[%d]", i)
		if e.Line > 0 {
			at = fmt.Sprintf("exemptions[%d] (line %d)", i, e.Line)
		}
		if strings.TrimSpace(e.Reason) == "" {
			errs = append(errs, fmt.Errorf("%s: reason is required", at))
		}
		for _, p := range []string{e.Namespace, e.Kind, e.Name} {
			if _, err := path.Match(p, ""); err != nil {
				errs = append(errs, fmt.Errorf("%s: bad pattern %q", at, p))
			}
		}
		for _, id := range e.Checks {
			if _, ok := reg.Get(id); !ok {
				errs = append(errs, fmt.Errorf("%s.checks: no such check %q", at, id))
			}
		}
		if e.Expires != "" {
			t, err := time.Parse(time.DateOnly, e.Expires)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.expires: %q is not a date (YYYY-MM-DD)", at, e.Expires))
			}
			e.expires = t
		}
	}
	for i, t := range c.PodTemplates {
		errs = append(errs, validTemplate(fmt.Sprintf("podTemplates[%d]", i), t)...)
	}
	errs = append(errs, c.Webhook.validate(reg)...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &c, nil
}

// validTemplate reports what is missing or malformed in a podTemplates entry.
func validTemplate(at string, t inventory.PodTemplate) []error {
	var errs []error
	if t.Group == "" {
		errs = append(errs, fmt.Errorf("%s.group is required (custom resources have an API group, as in argoproj.io)", at))
	} else if strings.Contains(t.Group, "/") {
		errs = append(errs, fmt.Errorf("%s.group: %q must be a group without a version (set versions for that)", at, t.Group))
	}
	if t.Kind == "" {
		errs = append(errs, fmt.Errorf("%s.kind is required", at))
	}
	if t.Path == "" {
		errs = append(errs, fmt.Errorf("%s.path is required (the pod template or pod spec, as in spec.template)", at))
	} else if p := fieldpath.Parse(t.Path); len(p) == 0 || strings.HasPrefix(t.Path, ".") || strings.HasSuffix(t.Path, ".") || strings.Contains(t.Path, "..") || strings.ContainsAny(t.Path, " \t") {
		errs = append(errs, fmt.Errorf("%s.path: %q is not a field path (write it as spec.template)", at, t.Path))
	}
	for _, v := range t.Versions {
		if v == "" || strings.Contains(v, "/") {
			errs = append(errs, fmt.Errorf("%s.versions: %q must be a version alone, as in v1alpha1", at, v))
		}
	}
	return errs
}

// exemptionLines finds the line of each "- " item under "exemptions:", for
// messages. It understands the block style the documentation shows, and
// returns nothing for other layouts.
func exemptionLines(data []byte) []int {
	var lines []int
	in := false
	indent := -1
	for i, l := range bytes.Split(data, []byte("\n")) {
		s := string(l)
		trimmed := strings.TrimLeft(s, " ")
		depth := len(s) - len(trimmed)
		switch {
		case strings.HasPrefix(s, "exemptions:"):
			in = true
		case in && trimmed == "" || in && strings.HasPrefix(trimmed, "#"):
		case in && strings.HasPrefix(trimmed, "- ") && (indent < 0 || depth == indent):
			indent = depth
			lines = append(lines, i+1)
		case in && depth == 0:
			in = false
		}
	}
	return lines
}
