package pss

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// LatestMinor is the minor version of the Pod Security Standards that
// "latest" means with the linked pod-security-admission library (v0.37.x
// implements the standards as of Kubernetes v1.37). A test keeps it equal to
// the version in go.mod.
const LatestMinor = 37

// Control is one Pod Security Standards check as it applies at a level and
// version.
type Control struct {
	// ID is the PSA check ID, such as "privileged" or "capabilities_restricted".
	ID string
	// Level is the level the check belongs to (baseline or restricted).
	Level api.Level
	// Overrides lists the baseline controls this restricted control replaces
	// at the chosen version.
	Overrides []string
	// Check is the library's function for the chosen revision, given the pod
	// spec as the API server would default it (see WithAPIDefaults).
	Check policy.CheckPodFn
}

// Evaluator holds the controls in force at one level and version, sorted by ID.
type Evaluator struct {
	LevelVersion api.LevelVersion
	controls     []Control
	byID         map[string]*Control
}

// ParseLevelVersion reads a level (baseline, restricted or privileged) and a
// version (v1.N or latest).
func ParseLevelVersion(level, version string) (api.LevelVersion, error) {
	l, err := api.ParseLevel(level)
	if err != nil {
		return api.LevelVersion{}, fmt.Errorf("pss level: %w", err)
	}
	v, err := api.ParseVersion(version)
	if err != nil {
		return api.LevelVersion{}, fmt.Errorf("pss version: %w", err)
	}
	return api.LevelVersion{Level: l, Version: v}, nil
}

// VersionString returns the version a finding reports: v1.N, with "latest"
// resolved to the newest version the library implements.
func VersionString(v api.Version) string {
	if v.Latest() {
		return versionNames[LatestMinor]
	}
	if v.Major() == 1 && v.Minor() >= 0 && v.Minor() < len(versionNames) {
		return versionNames[v.Minor()]
	}
	return v.String()
}

// versionNames holds "v1.0" ... "v1.<LatestMinor>", since findings ask often.
var versionNames = func() []string {
	names := make([]string, LatestMinor+1)
	for i := range names {
		names[i] = fmt.Sprintf("v1.%d", i)
	}
	return names
}()

var (
	checksOnce sync.Once
	checks     []policy.Check
	cache      sync.Map // api.LevelVersion -> *Evaluator; read without a lock, as every check asks for every pod
	// last holds the evaluator asked for last at each level: a scan asks
	// for its level and, for the controls a restricted one replaces, for
	// baseline at the same version, over and over.
	last [3]atomic.Pointer[Evaluator]
)

// DefaultChecks returns the library's default checks, fetched once.
func DefaultChecks() []policy.Check {
	checksOnce.Do(func() { checks = policy.DefaultChecks() })
	return checks
}

// For returns the evaluator for lv, building it on first use.
func For(lv api.LevelVersion) *Evaluator {
	slot := &last[levelSlot(lv.Level)]
	if e := slot.Load(); e != nil && e.LevelVersion == lv {
		return e
	}
	v, ok := cache.Load(lv)
	if !ok {
		v, _ = cache.LoadOrStore(lv, newEvaluator(lv, DefaultChecks()))
	}
	e := v.(*Evaluator)
	slot.Store(e)
	return e
}

// levelSlot is the index of level in last.
func levelSlot(level api.Level) int {
	switch level {
	case api.LevelBaseline:
		return 0
	case api.LevelRestricted:
		return 1
	}
	return 2
}

func newEvaluator(lv api.LevelVersion, all []policy.Check) *Evaluator {
	e := &Evaluator{LevelVersion: lv, byID: map[string]*Control{}}
	if lv.Level == api.LevelPrivileged {
		return e
	}
	overridden := map[policy.CheckID]bool{}
	var chosen []Control
	for _, c := range all {
		if c.Level == api.LevelRestricted && lv.Level != api.LevelRestricted {
			continue
		}
		vc := revisionFor(c, lv.Version)
		if vc == nil {
			continue
		}
		if c.Level == api.LevelRestricted {
			for _, id := range vc.OverrideCheckIDs {
				overridden[id] = true
			}
		}
		ctl := Control{ID: string(c.ID), Level: c.Level, Check: withAPIDefaults(vc.CheckPod)}
		for _, id := range vc.OverrideCheckIDs {
			ctl.Overrides = append(ctl.Overrides, string(id))
		}
		chosen = append(chosen, ctl)
	}
	for _, c := range chosen {
		if c.Level == api.LevelBaseline && overridden[policy.CheckID(c.ID)] {
			continue
		}
		e.controls = append(e.controls, c)
	}
	sort.Slice(e.controls, func(i, j int) bool { return e.controls[i].ID < e.controls[j].ID })
	for i := range e.controls {
		e.byID[e.controls[i].ID] = &e.controls[i]
	}
	return e
}

// revisionFor returns the newest revision of c whose minimum version is not
// newer than v, or nil when c does not apply to v yet.
func revisionFor(c policy.Check, v api.Version) *policy.VersionedCheck {
	var best *policy.VersionedCheck
	for i := range c.Versions {
		vc := &c.Versions[i]
		if vc.MinimumVersion == (api.Version{}) {
			continue // not yet assigned to a policy version
		}
		if v.Latest() || !v.Older(vc.MinimumVersion) {
			best = vc
		}
	}
	return best
}

// Controls returns the controls in force, sorted by ID.
func (e *Evaluator) Controls() []Control { return e.controls }

// Control returns the control with the PSA check ID id, when it is in force.
func (e *Evaluator) Control(id string) (*Control, bool) {
	c, ok := e.byID[id]
	return c, ok
}

// Result is the verdict of one control on one pod.
type Result struct {
	ID     string
	Level  api.Level
	Reason string
	Detail string
}

// Evaluate runs every control in force on a pod and returns the ones that
// forbid it, sorted by ID.
func (e *Evaluator) Evaluate(meta *metav1.ObjectMeta, spec *corev1.PodSpec) []Result {
	var out []Result
	spec = WithAPIDefaults(spec)
	for _, c := range e.controls {
		r := c.Check(meta, spec)
		if !r.Allowed {
			out = append(out, Result{ID: c.ID, Level: c.Level, Reason: r.ForbiddenReason, Detail: r.ForbiddenDetail})
		}
	}
	return out
}

// WithAPIDefaults returns spec as Pod Security Admission sees it in a
// cluster: admission runs after the API server has applied its defaults, and
// one default changes a verdict — a volume that names no source becomes an
// emptyDir volume (the restricted volume types control allows it, where the
// library given the raw manifest reports an "unknown" volume type). When
// there is nothing to default it returns spec itself; otherwise a copy, so
// the caller's spec is never modified.
func WithAPIDefaults(spec *corev1.PodSpec) *corev1.PodSpec {
	if spec == nil {
		return nil
	}
	var vols []corev1.Volume
	for i := range spec.Volumes {
		if spec.Volumes[i].VolumeSource != (corev1.VolumeSource{}) {
			continue
		}
		if vols == nil {
			vols = append([]corev1.Volume(nil), spec.Volumes...)
		}
		vols[i].VolumeSource = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
	}
	if vols == nil {
		return spec
	}
	out := *spec
	out.Volumes = vols
	return &out
}

func withAPIDefaults(fn policy.CheckPodFn) policy.CheckPodFn {
	return func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) policy.CheckResult {
		return fn(meta, WithAPIDefaults(spec))
	}
}
