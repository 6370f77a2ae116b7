package pss_test

import (
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/psatestdata"
	"github.com/kubestride/kubestride/internal/pss"
)

// verdict is one forbidding result, without the check ID that the library's
// evaluator does not report.
type verdict struct{ Reason, Detail string }

func sortVerdicts(v []verdict) []verdict {
	sort.Slice(v, func(i, j int) bool {
		if v[i].Reason != v[j].Reason {
			return v[i].Reason < v[j].Reason
		}
		return v[i].Detail < v[j].Detail
	})
	return v
}

// apiDefaulted applies the API server default that Pod Security Admission
// fixtures rely on: a volume without a source is an emptyDir volume. It
// copies the spec.
func apiDefaulted(spec *corev1.PodSpec) *corev1.PodSpec {
	out := spec.DeepCopy()
	for i := range out.Volumes {
		if out.Volumes[i].VolumeSource == (corev1.VolumeSource{}) {
			out.Volumes[i].EmptyDir = &corev1.EmptyDirVolumeSource{}
		}
	}
	return out
}

func fixtureRoot(t *testing.T) string {
	t.Helper()
	root, err := psatestdata.Root()
	if err != nil {
		t.Fatalf("cannot find the Pod Security Admission fixtures (is %s in the module cache? run go mod download): %v", psatestdata.Module, err)
	}
	return root
}

func readPod(t *testing.T, file string) *corev1.Pod {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var pod corev1.Pod
	if err := yaml.UnmarshalStrict(data, &pod); err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	if pod.Kind != "Pod" {
		t.Fatalf("%s: kind %q, want Pod", file, pod.Kind)
	}
	return &pod
}

// TestEvaluateMatchesLibrary holds the per-control evaluator to the
// library's own evaluator on every fixture Pod Security Admission ships: at
// the fixture's version and at latest, for both levels, the same (reason,
// detail) pairs must forbid the pod. The library is given the pod as the API
// server defaults it, which is what admission sees; package pss is given the
// manifest as written. It also checks the fixture's own
// verdict, so that a fixture that failed to decode cannot pass unnoticed.
func TestEvaluateMatchesLibrary(t *testing.T) {
	root := fixtureRoot(t)
	lib, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := psatestdata.All(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(fixtures) < 4000 {
		t.Fatalf("found %d fixtures in %s, want at least 4000", len(fixtures), root)
	}
	for _, fx := range fixtures {
		pod := readPod(t, fx.File)
		version, err := api.ParseVersion(fx.Version)
		if err != nil {
			t.Fatalf("%s: %v", fx.File, err)
		}
		for _, level := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
			for _, v := range []api.Version{version, api.LatestVersion()} {
				lv := api.LevelVersion{Level: level, Version: v}
				var want []verdict
				for _, r := range lib.EvaluatePod(lv, &pod.ObjectMeta, apiDefaulted(&pod.Spec)) {
					if !r.Allowed {
						want = append(want, verdict{r.ForbiddenReason, r.ForbiddenDetail})
					}
				}
				var got []verdict
				for _, r := range pss.For(lv).Evaluate(&pod.ObjectMeta, &pod.Spec) {
					got = append(got, verdict{r.Reason, r.Detail})
				}
				if diff := cmp.Diff(sortVerdicts(want), sortVerdicts(got)); diff != "" {
					t.Errorf("%s at %s (-library +pss):\n%s", fx.File, lv, diff)
				}
				if level == fx.Level && v == version && fx.Pass != (len(got) == 0) {
					t.Errorf("%s at %s: pass fixture=%v but %d controls forbid it", fx.File, lv, fx.Pass, len(got))
				}
			}
		}
	}
}

// TestPrivilegedEvaluatesNothing: the privileged level has no controls.
func TestPrivilegedEvaluatesNothing(t *testing.T) {
	for _, v := range []string{"v1.0", "latest"} {
		lv, err := pss.ParseLevelVersion("privileged", v)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(pss.For(lv).Controls()); n != 0 {
			t.Errorf("privileged %s has %d controls, want none", v, n)
		}
	}
}

// TestLatestMinor keeps LatestMinor equal to the minor version of
// k8s.io/pod-security-admission in go.mod (v0.N.x implements the standards
// of Kubernetes v1.N).
func TestLatestMinor(t *testing.T) {
	gomod, err := psatestdata.GoMod()
	if err != nil {
		t.Fatal(err)
	}
	version, err := psatestdata.RequiredVersion(gomod)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^v0\.([0-9]+)\.`).FindStringSubmatch(version)
	if m == nil {
		t.Fatalf("%s: %s version %q is not v0.N.x", gomod, psatestdata.Module, version)
	}
	minor, _ := strconv.Atoi(m[1])
	if pss.LatestMinor != minor {
		t.Errorf("LatestMinor = %d, but go.mod requires %s %s: set it to %d", pss.LatestMinor, psatestdata.Module, version, minor)
	}
	if got, want := pss.VersionString(api.LatestVersion()), "v1."+m[1]; got != want {
		t.Errorf("VersionString(latest) = %q, want %q", got, want)
	}
}

func TestParseLevelVersion(t *testing.T) {
	tests := []struct {
		name, level, version string
		want                 string // LevelVersion.String() when there is no error
		wantErr              string // prefix of the error
	}{
		{name: "restricted latest", level: "restricted", version: "latest", want: "restricted:latest"},
		{name: "baseline v1.25", level: "baseline", version: "v1.25", want: "baseline:v1.25"},
		{name: "privileged v1.0", level: "privileged", version: "v1.0", want: "privileged:v1.0"},
		{name: "empty level", level: "", version: "latest", wantErr: "pss level: "},
		{name: "capitalised level", level: "Restricted", version: "latest", wantErr: "pss level: "},
		{name: "unknown level", level: "strict", version: "latest", wantErr: "pss level: "},
		{name: "level with space", level: "baseline ", version: "latest", wantErr: "pss level: "},
		{name: "empty version", level: "baseline", version: "", wantErr: "pss version: "},
		{name: "no v", level: "baseline", version: "1.25", wantErr: "pss version: "},
		{name: "no minor", level: "baseline", version: "v1", wantErr: "pss version: "},
		{name: "major 2", level: "baseline", version: "v2.0", wantErr: "pss version: "},
		{name: "patch", level: "baseline", version: "v1.25.3", wantErr: "pss version: "},
		{name: "negative minor", level: "baseline", version: "v1.-1", wantErr: "pss version: "},
		{name: "leading zero", level: "baseline", version: "v1.025", wantErr: "pss version: "},
		{name: "capitalised latest", level: "baseline", version: "Latest", wantErr: "pss version: "},
		{name: "bad level wins", level: "none", version: "bogus", wantErr: "pss level: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pss.ParseLevelVersion(tt.level, tt.version)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseLevelVersion(%q, %q) = %s, want an error", tt.level, tt.version, got)
				}
				if !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Errorf("error %q does not start with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLevelVersion(%q, %q): %v", tt.level, tt.version, err)
			}
			if got.String() != tt.want {
				t.Errorf("ParseLevelVersion(%q, %q) = %s, want %s", tt.level, tt.version, got, tt.want)
			}
		})
	}
}

func TestWithAPIDefaults(t *testing.T) {
	spec := &corev1.PodSpec{Volumes: []corev1.Volume{
		{Name: "implicit"},
		{Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s"}}},
	}}
	got := pss.WithAPIDefaults(spec)
	want := &corev1.PodSpec{Volumes: []corev1.Volume{
		{Name: "implicit", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		{Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s"}}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WithAPIDefaults (-want +got):\n%s", diff)
	}
	if spec.Volumes[0].EmptyDir != nil {
		t.Error("WithAPIDefaults modified its argument")
	}
	if again := pss.WithAPIDefaults(got); again != got {
		t.Error("WithAPIDefaults copied a spec that needs no default")
	}

	lv, err := pss.ParseLevelVersion("restricted", "latest")
	if err != nil {
		t.Fatal(err)
	}
	ctl, ok := pss.For(lv).Control("restrictedVolumes")
	if !ok {
		t.Fatal("restrictedVolumes is not in force at restricted latest")
	}
	if r := ctl.Check(&metav1.ObjectMeta{}, spec); !r.Allowed {
		t.Errorf("restrictedVolumes forbids a volume without a source (%s: %s); the API server makes it an emptyDir volume", r.ForbiddenReason, r.ForbiddenDetail)
	}
}

// TestForAlternatingLevels asks for evaluators of several levels and versions
// in turn, as a scan at restricted asks for baseline too: each answer is the
// evaluator of what was asked, and the same one every time.
func TestForAlternatingLevels(t *testing.T) {
	lvs := []api.LevelVersion{
		{Level: api.LevelRestricted, Version: api.LatestVersion()},
		{Level: api.LevelBaseline, Version: api.LatestVersion()},
		{Level: api.LevelBaseline, Version: api.MajorMinorVersion(1, 0)},
		{Level: api.LevelRestricted, Version: api.MajorMinorVersion(1, 24)},
		{Level: api.LevelPrivileged, Version: api.LatestVersion()},
	}
	first := map[api.LevelVersion]*pss.Evaluator{}
	for round := 0; round < 3; round++ {
		for _, lv := range lvs {
			e := pss.For(lv)
			if e.LevelVersion != lv {
				t.Fatalf("For(%v) returned the evaluator of %v", lv, e.LevelVersion)
			}
			if f, ok := first[lv]; ok && f != e {
				t.Errorf("round %d: For(%v) returned another evaluator", round, lv)
			}
			first[lv] = e
		}
	}
}
