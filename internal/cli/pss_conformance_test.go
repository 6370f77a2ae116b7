package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/kubestride/kubestride/internal/cli"
	"github.com/kubestride/kubestride/internal/psatestdata"
	"github.com/kubestride/kubestride/internal/report"
)

// conformanceReport is the part of the JSON report the conformance test reads.
type conformanceReport struct {
	Findings []struct {
		ID       string `json:"id"`
		Message  string `json:"message"`
		Location *struct {
			File string `json:"file"`
		} `json:"location"`
		PSS *struct {
			Level   string `json:"level"`
			Version string `json:"version"`
			Check   string `json:"check"`
		} `json:"pss"`
	} `json:"findings"`
	Errors []report.Error `json:"errors"`
}

// TestPSSConformance scans every fixture that Pod Security Admission ships
// with kubestride scan, one run per level and version directory, and holds
// the report to PSA's verdicts: a pod PSA allows has no PSS finding; a pod
// it forbids has at least one, from the control the fixture was written for
// or from the restricted control that replaces it at that version. Every PSS
// finding names a control that is in force (known, of the right level,
// existing and not replaced at that version) with its own level and the
// requested version, and the report has no errors.
func TestPSSConformance(t *testing.T) {
	root, err := psatestdata.Root()
	if err != nil {
		t.Fatalf("cannot find the Pod Security Admission fixtures (is %s in the module cache? run go mod download): %v", psatestdata.Module, err)
	}
	dirs, err := psatestdata.VersionDirs(root)
	if err != nil {
		t.Fatal(err)
	}

	defaultChecks := policy.DefaultChecks()
	byLower := map[string]policy.CheckID{}
	levelOf := map[string]api.Level{}
	for _, c := range defaultChecks {
		byLower[strings.ToLower(string(c.ID))] = c.ID
		levelOf[string(c.ID)] = c.Level
	}

	counts := map[api.Level]map[bool]int{api.LevelBaseline: {}, api.LevelRestricted: {}}
	for _, d := range dirs {
		t.Run(string(d.Level)+"/"+d.Version, func(t *testing.T) {
			fixtures, err := d.Files()
			if err != nil {
				t.Fatal(err)
			}
			if len(fixtures) == 0 {
				t.Fatalf("no fixtures in %s", d.Dir)
			}
			var out, errOut bytes.Buffer
			code := cli.Main([]string{
				"scan", "--format", "json", "--pss-level", string(d.Level), "--pss-version", d.Version,
				"--fail-on", "critical", d.Dir + "/pass", d.Dir + "/fail",
			}, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errOut, Getenv: func(string) string { return "" }})
			if code != report.ExitOK && code != report.ExitFindings {
				t.Errorf("exit code %d; stderr:\n%s", code, errOut.String())
			}
			var rep conformanceReport
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("report is not JSON: %v\n%s", err, errOut.String())
			}
			for _, e := range rep.Errors {
				t.Errorf("report error: %s:%d: %s", e.File, e.Line, e.Message)
			}

			v := api.MajorMinorVersion(1, d.Minor)
			overriders := overridingChecks(defaultChecks, d.Level, v)
			inForce := map[string]bool{}
			for _, c := range defaultChecks {
				inForce[string(c.ID)] = revisionAt(c, v) != nil
			}
			checksByFile := map[string][]string{}
			for _, f := range rep.Findings {
				if f.PSS == nil {
					continue
				}
				if f.Location == nil {
					t.Errorf("PSS finding %s (%s) has no location", f.ID, f.Message)
					continue
				}
				checksByFile[f.Location.File] = append(checksByFile[f.Location.File], f.PSS.Check)
				level, known := levelOf[f.PSS.Check]
				switch {
				case !known:
					t.Errorf("%s: finding %s names unknown PSA check %q", f.Location.File, f.ID, f.PSS.Check)
				case f.PSS.Level != string(level):
					t.Errorf("%s: finding %s: pss.level %q, want %q (the level of %s)", f.Location.File, f.ID, f.PSS.Level, level, f.PSS.Check)
				case d.Level == api.LevelBaseline && level != api.LevelBaseline:
					t.Errorf("%s: finding %s from restricted check %s in a baseline scan", f.Location.File, f.ID, f.PSS.Check)
				case !inForce[f.PSS.Check]:
					t.Errorf("%s: finding %s from check %s, which does not exist at %s", f.Location.File, f.ID, f.PSS.Check, d.Version)
				case len(overriders[policy.CheckID(f.PSS.Check)]) > 0:
					t.Errorf("%s: finding %s from check %s, which %v replaces at %s", f.Location.File, f.ID, f.PSS.Check, overriders[policy.CheckID(f.PSS.Check)], d.Version)
				}
				if f.PSS.Version != d.Version {
					t.Errorf("%s: finding %s: pss.version %q, want %q", f.Location.File, f.ID, f.PSS.Version, d.Version)
				}
			}

			seen := map[string]bool{}
			for _, fx := range fixtures {
				seen[fx.File] = true
				got := checksByFile[fx.File]
				counts[d.Level][fx.Pass]++
				if fx.Pass {
					if len(got) > 0 {
						t.Errorf("%s: PSA allows it, but kubestride reports %v", fx.File, got)
					}
					continue
				}
				id, ok := byLower[fx.Check]
				if !ok {
					t.Errorf("%s: no PSA check is named %q", fx.File, fx.Check)
					continue
				}
				accepted := append([]string{string(id)}, overriders[id]...)
				if !intersects(got, accepted) {
					t.Errorf("%s: PSA forbids it by %s, kubestride reports %v", fx.File, strings.Join(accepted, " or "), got)
				}
			}
			for file := range checksByFile {
				if !seen[file] {
					t.Errorf("PSS finding for %s, which is not a fixture", file)
				}
			}
		})
	}

	total := 0
	var parts []string
	for _, lv := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
		total += counts[lv][true] + counts[lv][false]
		parts = append(parts, fmt.Sprintf("%s: %d pass, %d fail", lv, counts[lv][true], counts[lv][false]))
	}
	t.Logf("checked %d PSA fixtures (%s)", total, strings.Join(parts, "; "))
	if total < 4000 {
		t.Errorf("checked %d fixtures, want at least 4000", total)
	}
}

// overridingChecks returns, for each check ID, the restricted checks that
// replace it at level and version v, as the library's OverrideCheckIDs say.
// At the baseline level nothing is replaced.
func overridingChecks(checks []policy.Check, level api.Level, v api.Version) map[policy.CheckID][]string {
	out := map[policy.CheckID][]string{}
	if level != api.LevelRestricted {
		return out
	}
	for _, c := range checks {
		if c.Level != api.LevelRestricted {
			continue
		}
		rev := revisionAt(c, v)
		if rev == nil {
			continue
		}
		for _, id := range rev.OverrideCheckIDs {
			out[id] = append(out[id], string(c.ID))
		}
	}
	return out
}

// revisionAt returns the newest revision of c whose minimum version is not
// above v, or nil when c does not exist yet at v.
func revisionAt(c policy.Check, v api.Version) *policy.VersionedCheck {
	var rev *policy.VersionedCheck
	for i := range c.Versions {
		if !v.Older(c.Versions[i].MinimumVersion) {
			rev = &c.Versions[i]
		}
	}
	return rev
}

func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
