package config

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
)

// The policies every webhook knows: the Pod Security Standards levels,
// judged exactly as Pod Security Admission judges them.
const (
	PolicyPrivileged = "privileged"
	PolicyBaseline   = "baseline"
	PolicyRestricted = "restricted"
)

// Webhook configures kubestride webhook, the admission webhook.
type Webhook struct {
	// Defaults are the modes of a namespace that sets no kubestride.io
	// mode label (and of cluster-scoped objects); an empty policy means
	// privileged (nothing is judged in that mode).
	Defaults Modes `json:"defaults,omitempty"`
	// Policies defines policies beside baseline, restricted and
	// privileged, for the namespace labels to name.
	Policies []Policy `json:"policies,omitempty"`
	// Exempt lists the requests that are never judged.
	Exempt RequestExemptions `json:"exempt,omitempty"`
	// ForbidAnnotationExemptions, when true, makes the suppression
	// annotation (kubestride.io/ignore.<check-id>) exempt nothing at
	// admission: a workload cannot exempt itself. Exemptions in this file
	// still apply.
	ForbidAnnotationExemptions bool `json:"forbidAnnotationExemptions,omitempty"`
	// DryRunNamespaces are glob patterns (path.Match syntax) of namespaces
	// where enforce only warns: what it would deny is sent back as
	// warnings and counted in the metrics. A namespace labelled
	// kubestride.io/dry-run=true is one too.
	DryRunNamespaces []string `json:"dryRunNamespaces,omitempty"`
}

// Modes names the policy of each admission mode, with the Pod Security
// Standards version it is judged at (v1.N or latest; empty means latest).
type Modes struct {
	Enforce        string `json:"enforce,omitempty"`
	EnforceVersion string `json:"enforceVersion,omitempty"`
	Audit          string `json:"audit,omitempty"`
	AuditVersion   string `json:"auditVersion,omitempty"`
	Warn           string `json:"warn,omitempty"`
	WarnVersion    string `json:"warnVersion,omitempty"`
}

// Policy is a named admission policy: the Pod Security Standards at a
// level, plus kubestride checks whose findings count at or above a
// severity.
type Policy struct {
	// Name is what the namespace labels name; it must not be one of the
	// built-in policies.
	Name string `json:"name"`
	// Level is the Pod Security Standards level included: baseline,
	// restricted or privileged (none).
	Level string `json:"level"`
	// Checks are the kubestride checks included beside the level's
	// controls.
	Checks []check.ID `json:"checks,omitempty"`
	// MinSeverity, when set, leaves out findings of Checks below it (after
	// severity overrides); the Pod Security Standards controls always
	// count.
	MinSeverity string `json:"minSeverity,omitempty"`
	// ImagePolicy, when set, is an image policy file (kubestride.io/v1alpha1
	// ImagePolicy, relative to the configuration file's directory) applied
	// to every container image the admitted object runs: each image is
	// resolved through its registry at admission, its signatures verified
	// and its base image read; an image that cannot be resolved counts as a
	// violation, never a pass.
	ImagePolicy string `json:"imagePolicy,omitempty"`
}

// RequestExemptions exempt whole requests, as Pod Security Admission's
// exemptions do: by namespace, by the requesting user or one of its
// groups, or by the pod's runtime class.
type RequestExemptions struct {
	Namespaces     []string `json:"namespaces,omitempty"`
	Usernames      []string `json:"usernames,omitempty"`
	Groups         []string `json:"groups,omitempty"`
	RuntimeClasses []string `json:"runtimeClasses,omitempty"`
}

// Policy returns the configured policy name, or false.
func (w *Webhook) Policy(name string) (*Policy, bool) {
	for i := range w.Policies {
		if w.Policies[i].Name == name {
			return &w.Policies[i], true
		}
	}
	return nil, false
}

// DryRun reports whether the namespace ns matches DryRunNamespaces.
func (w *Webhook) DryRun(ns string) bool {
	for _, p := range w.DryRunNamespaces {
		if ok, err := path.Match(p, ns); err == nil && ok {
			return true
		}
	}
	return false
}

// validate reports every error in the webhook section.
func (w *Webhook) validate(reg *check.Registry) []error {
	var errs []error
	seen := map[string]bool{}
	for i := range w.Policies {
		p := &w.Policies[i]
		at := fmt.Sprintf("webhook.policies[%d]", i)
		switch {
		case p.Name == "":
			errs = append(errs, fmt.Errorf("%s.name is required", at))
		case p.Name == PolicyPrivileged || p.Name == PolicyBaseline || p.Name == PolicyRestricted:
			errs = append(errs, fmt.Errorf("%s.name: %q is a built-in policy (the Pod Security Standards level); choose another name", at, p.Name))
		case strings.ContainsAny(p.Name, ":,\" "):
			errs = append(errs, fmt.Errorf("%s.name: %q must not hold a colon, a comma, a quote or a space", at, p.Name))
		case seen[p.Name]:
			errs = append(errs, fmt.Errorf("%s.name: %q is defined twice", at, p.Name))
		}
		seen[p.Name] = true
		if _, err := api.ParseLevel(p.Level); err != nil {
			errs = append(errs, fmt.Errorf("%s.level: %q is not privileged, baseline or restricted", at, p.Level))
		}
		for _, id := range p.Checks {
			if _, ok := reg.Get(id); !ok {
				errs = append(errs, fmt.Errorf("%s.checks: no such check %q", at, id))
			}
		}
		if p.MinSeverity != "" {
			if _, err := check.ParseSeverity(p.MinSeverity); err != nil {
				errs = append(errs, fmt.Errorf("%s.minSeverity: %w", at, err))
			}
		}
	}
	d := w.Defaults
	for _, m := range []struct{ mode, policy, version string }{
		{"enforce", d.Enforce, d.EnforceVersion}, {"audit", d.Audit, d.AuditVersion}, {"warn", d.Warn, d.WarnVersion},
	} {
		if m.policy != "" && !builtIn(m.policy) && !seen[m.policy] {
			errs = append(errs, fmt.Errorf("webhook.defaults.%s: no such policy %q (baseline, restricted, privileged or one of webhook.policies)", m.mode, m.policy))
		}
		if m.version != "" {
			if _, err := api.ParseVersion(m.version); err != nil {
				errs = append(errs, fmt.Errorf("webhook.defaults.%sVersion: %q is not v1.N or latest", m.mode, m.version))
			}
		}
	}
	for i, p := range w.DryRunNamespaces {
		if _, err := path.Match(p, ""); err != nil {
			errs = append(errs, fmt.Errorf("webhook.dryRunNamespaces[%d]: bad pattern %q", i, p))
		}
	}
	for _, s := range [][]string{w.Exempt.Namespaces, w.Exempt.Usernames, w.Exempt.Groups, w.Exempt.RuntimeClasses} {
		for _, v := range s {
			if strings.TrimSpace(v) == "" {
				errs = append(errs, errors.New("webhook.exempt: an empty entry exempts nothing; remove it"))
			}
		}
	}
	return errs
}

func builtIn(name string) bool {
	return name == PolicyPrivileged || name == PolicyBaseline || name == PolicyRestricted
}
