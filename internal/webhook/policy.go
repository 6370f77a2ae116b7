package webhook

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/scan"
)

// The namespace labels that set the modes, shaped like Pod Security
// Admission's pod-security.kubernetes.io/<mode>[-version].
const (
	LabelPrefix   = "kubestride.io/"
	LabelEnforce  = LabelPrefix + "enforce"
	LabelAudit    = LabelPrefix + "audit"
	LabelWarn     = LabelPrefix + "warn"
	versionSuffix = "-version"
	// LabelDryRun set to "true" on a namespace makes enforce only warn
	// there, as config's webhook.dryRunNamespaces does.
	LabelDryRun = LabelPrefix + "dry-run"
)

// Mode is one of the three admission modes.
type Mode int

// The modes, in the order they are judged.
const (
	Enforce Mode = iota
	Audit
	Warn
)

var modeNames = [...]string{"enforce", "audit", "warn"}

func (m Mode) String() string { return modeNames[m] }

// pssPrefix starts the ID of every Pod Security Standards check
// (pss-privileged, ...); TestPSSChecks holds the registry to it.
const pssPrefix = "pss-"

// policy is a named policy: a Pod Security Standards level plus checks.
type policy struct {
	name   string
	level  api.Level
	checks []check.ID // the configured checks, beside the level's controls
	extra  map[check.ID]bool
	minSev check.Severity
	// evaluators holds one scan.Evaluator per PSS version, built on first
	// use (api.Version -> *scan.Evaluator).
	evaluators sync.Map
	// labels holds the binding's name per version (api.Version -> string),
	// asked for on every decision.
	labels sync.Map
	opts   scan.Options
	pssIDs []check.ID
	// contextual is set when checks holds a contextual check, which reads
	// the cluster's objects beside the admitted one.
	contextual bool
	// images is the policy's image policy, with the stage that resolves
	// images for it; nil when it names none.
	images *imagePolicy
}

// contextual are the checks that are not local which the webhook runs all
// the same, given the objects they read beside the admitted one from the
// informers (see clusterState.context): the automount advice reads the
// pod's ServiceAccount and the bindings that name it.
var contextual = map[check.ID]bool{"service-account-token-automount": true}

// binding is a policy at a PSS version, as one mode of a namespace names it.
type binding struct {
	p       *policy // nil: privileged, nothing judged
	version api.Version
}

// String is the policy and version as messages and metrics name them:
// restricted:latest, restricted-plus:v1.30.
func (b binding) String() string {
	if b.p == nil {
		return config.PolicyPrivileged + ":" + b.version.String()
	}
	if l, ok := b.p.labels.Load(b.version); ok {
		return l.(string)
	}
	l, _ := b.p.labels.LoadOrStore(b.version, b.p.name+":"+b.version.String())
	return l.(string)
}

// privileged reports whether the binding judges nothing.
func (b binding) privileged() bool { return b.p == nil || b.p.empty() }

func (p *policy) empty() bool {
	return p.level == api.LevelPrivileged && len(p.checks) == 0 && p.images == nil
}

// evaluator returns the policy's evaluator at version v.
func (p *policy) evaluator(v api.Version) *scan.Evaluator {
	if e, ok := p.evaluators.Load(v); ok {
		return e.(*scan.Evaluator)
	}
	opts := p.opts
	opts.Check.PSS = api.LevelVersion{Level: p.level, Version: v}
	opts.Only = nil
	if p.level != api.LevelPrivileged {
		opts.Only = append(opts.Only, p.pssIDs...)
	}
	opts.Only = append(opts.Only, p.checks...)
	for _, id := range p.checks {
		if contextual[id] {
			opts.Contextual = append(opts.Contextual, id)
		}
	}
	e, _ := p.evaluators.LoadOrStore(v, scan.NewEvaluator(opts))
	return e.(*scan.Evaluator)
}

// counts reports whether a finding of the policy's evaluator counts: a
// Pod Security Standards control always does, another check at or above
// the policy's minimum severity.
func (p *policy) counts(id check.ID, sev check.Severity) bool {
	if strings.HasPrefix(string(id), pssPrefix) && !p.extra[id] {
		return true
	}
	return sev >= p.minSev
}

// policies holds the built-in and configured policies and the defaults.
type policies struct {
	byName   map[string]*policy
	defaults [3]binding
	// cfg is the configuration's webhook section.
	cfg *config.Webhook
	// contextual is set when a policy holds a contextual check: the
	// webhook then watches ServiceAccounts and bindings too.
	contextual bool
}

func newPolicies(cfg *config.Config, reg *check.Registry) (*policies, error) {
	var pssIDs []check.ID
	for _, c := range reg.All() {
		if id := c.Meta().ID; strings.HasPrefix(string(id), pssPrefix) {
			pssIDs = append(pssIDs, id)
		}
	}
	if len(pssIDs) == 0 {
		return nil, errors.New("webhook: the check registry holds no Pod Security Standards checks (pss-*); baseline and restricted would judge nothing")
	}
	sort.Slice(pssIDs, func(i, j int) bool { return pssIDs[i] < pssIDs[j] })
	base := scan.Options{Registry: reg, Config: cfg}
	ps := &policies{byName: map[string]*policy{}, cfg: &cfg.Webhook}
	for _, l := range []api.Level{api.LevelPrivileged, api.LevelBaseline, api.LevelRestricted} {
		ps.byName[string(l)] = &policy{name: string(l), level: l, opts: base, pssIDs: pssIDs}
	}
	for _, c := range cfg.Webhook.Policies {
		l, err := api.ParseLevel(c.Level)
		if err != nil {
			return nil, fmt.Errorf("webhook policy %q: %w", c.Name, err)
		}
		p := &policy{name: c.Name, level: l, checks: c.Checks, extra: map[check.ID]bool{}, opts: base, pssIDs: pssIDs}
		for _, id := range c.Checks {
			ch, ok := reg.Get(id)
			if !ok {
				return nil, fmt.Errorf("webhook policy %q: no such check %q", c.Name, id)
			}
			if _, local := ch.(check.Local); !local && !contextual[id] {
				// Never a silent pass: a check the webhook cannot run is
				// refused rather than left out.
				return nil, fmt.Errorf("webhook policy %q: check %s judges objects together (a scan's), not one admitted object; it cannot be enforced at admission", c.Name, id)
			}
			p.extra[id] = true
			if contextual[id] {
				p.contextual = true
				ps.contextual = true
			}
		}
		if c.ImagePolicy != "" {
			if p.images, err = loadImagePolicy(cfg, c.ImagePolicy); err != nil {
				return nil, fmt.Errorf("webhook policy %q: %w", c.Name, err)
			}
		}
		if c.MinSeverity != "" {
			if p.minSev, err = check.ParseSeverity(c.MinSeverity); err != nil {
				return nil, fmt.Errorf("webhook policy %q: %w", c.Name, err)
			}
		}
		ps.byName[c.Name] = p
	}
	d := cfg.Webhook.Defaults
	for m, pv := range [3][2]string{{d.Enforce, d.EnforceVersion}, {d.Audit, d.AuditVersion}, {d.Warn, d.WarnVersion}} {
		b, err := ps.bind(pv[0], pv[1])
		if err != nil {
			return nil, fmt.Errorf("webhook.defaults.%s: %w", Mode(m), err)
		}
		ps.defaults[m] = b
	}
	return ps, nil
}

// bind returns the binding of a policy name and version as a label or the
// defaults write them; empty means privileged and latest.
func (ps *policies) bind(name, version string) (binding, error) {
	b := binding{version: api.LatestVersion()}
	var errs []string
	if version != "" {
		v, err := api.ParseVersion(version)
		if err != nil {
			errs = append(errs, fmt.Sprintf("version %q is not v1.N or latest (judged at latest)", version))
		} else {
			b.version = v
		}
	}
	if name == "" {
		name = config.PolicyPrivileged
	}
	p, ok := ps.byName[name]
	if !ok {
		// As Pod Security Admission does with a level it does not know:
		// judge by the strictest built-in policy, never by none.
		p = ps.byName[config.PolicyRestricted]
		errs = append(errs, fmt.Sprintf("no such policy %q (judged as restricted)", name))
	}
	b.p = p
	if len(errs) > 0 {
		return b, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return b, nil
}

// namespaceModes is what a namespace asks of each mode.
type namespaceModes struct {
	modes  [3]binding
	dryRun bool
	// errs are the labels that could not be read as written, in PSA's
	// words ("kubestride.io/enforce: no such policy ...").
	errs []string
}

// modesOf reads a namespace's labels; what they leave unset comes from
// the defaults.
func (ps *policies) modesOf(ns string, labels map[string]string) namespaceModes {
	out := namespaceModes{modes: ps.defaults, dryRun: ps.cfg.DryRun(ns) || labels[LabelDryRun] == "true"}
	for m, key := range [3]string{LabelEnforce, LabelAudit, LabelWarn} {
		name, okName := labels[key]
		version, okVersion := labels[key+versionSuffix]
		if !okName && !okVersion {
			continue
		}
		if !okName {
			// A version alone keeps the default policy at that version.
			name = config.PolicyPrivileged
			if d := ps.defaults[m].p; d != nil {
				name = d.name
			}
		}
		b, err := ps.bind(name, version)
		if err != nil {
			out.errs = append(out.errs, fmt.Sprintf("%s: %v", key, err))
		}
		out.modes[m] = b
	}
	return out
}
