package export

import (
	"slices"
	"testing"

	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	_ "github.com/kubestride/kubestride/internal/checks" // the built-in catalogue
	"github.com/kubestride/kubestride/internal/pss"
)

// TestPSSRevisionsMatchLibrary holds the CEL revisions of each control to
// the library's: the same controls, each revised at the same versions.
func TestPSSRevisionsMatchLibrary(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range pss.DefaultChecks() {
		id := string(c.ID)
		seen[id] = true
		var lib, ours []int
		for _, v := range c.Versions {
			lib = append(lib, v.MinimumVersion.Minor())
		}
		for _, r := range pssRules[id] {
			ours = append(ours, r.minor)
		}
		if !slices.Equal(lib, ours) {
			t.Errorf("control %s: the library revises it at minor versions %v, the CEL table at %v", id, lib, ours)
		}
		if _, ok := pssCheckIDs[id]; !ok {
			t.Errorf("control %s has no kubestride check ID", id)
		}
	}
	for id := range pssRules {
		if !seen[id] {
			t.Errorf("CEL table has control %s, which the library does not", id)
		}
	}
	for psaID, id := range pssCheckIDs {
		if _, ok := check.Default().Get(id); !ok {
			t.Errorf("control %s maps to check %s, which is not registered", psaID, id)
		}
	}
}

// TestEveryCheckExportedOrExplained: every registered check is exported at
// restricted:latest or comes with a reason, and a check of the workloads
// or objects topics that is not exported has a reason of its own.
func TestEveryCheckExportedOrExplained(t *testing.T) {
	res, err := Export(Options{PSS: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}})
	if err != nil {
		t.Fatal(err)
	}
	pssIDs := map[check.ID]bool{}
	for _, id := range pssCheckIDs {
		pssIDs[id] = true
	}
	for _, s := range res.Skipped {
		if s.Reason == "" {
			t.Errorf("check %s is skipped without a reason", s.ID)
		}
		m, _ := check.Default().Get(s.ID)
		topic := m.Meta().Topic
		if (topic == check.TopicWorkloads || topic == check.TopicObjects) && !pssIDs[s.ID] && reasons[s.ID] == "" {
			t.Errorf("check %s (topic %s) is skipped without a reason of its own", s.ID, topic)
		}
	}
	if got, want := len(res.Checks)+len(res.Skipped), len(check.Default().All()); got != want {
		t.Errorf("%d checks exported or skipped, want the %d registered", got, want)
	}
	for id := range rules {
		if !slices.Contains(res.Checks, id) {
			t.Errorf("check %s has a rule but was not exported", id)
		}
	}
	for _, id := range []check.ID{"pss-privileged", "pss-capabilities-restricted", "pss-run-as-user"} {
		if !slices.Contains(res.Checks, id) {
			t.Errorf("restricted:latest does not export %s", id)
		}
	}
	for _, id := range []check.ID{"pss-capabilities-baseline", "pss-host-path-volumes", "pss-seccomp-baseline", "pss-proc-mount"} {
		if slices.Contains(res.Checks, id) {
			t.Errorf("restricted:latest exports %s, which a restricted control replaces", id)
		}
	}
}

func TestExportFilters(t *testing.T) {
	lv := api.LevelVersion{Level: api.LevelBaseline, Version: api.MajorMinorVersion(1, 22)}
	res, err := Export(Options{PSS: lv, Checks: []check.ID{"pss-privileged", "pss-run-as-user", "rbac-wildcard"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Checks, []check.ID{"pss-privileged"}) {
		t.Errorf("exported %v, want only pss-privileged", res.Checks)
	}
	var skipped []check.ID
	for _, s := range res.Skipped {
		skipped = append(skipped, s.ID)
	}
	if !slices.Equal(skipped, []check.ID{"pss-run-as-user", "rbac-wildcard"}) {
		t.Errorf("skipped %v, want pss-run-as-user and rbac-wildcard", skipped)
	}
	if _, err := Export(Options{PSS: lv, Checks: []check.ID{"no-such-check"}}); err == nil {
		t.Error("an unknown check ID is not an error")
	}
}

func TestParseActions(t *testing.T) {
	if a, err := ParseActions("warn,Audit"); err != nil || len(a) != 2 {
		t.Errorf("ParseActions(warn,Audit) = %v, %v", a, err)
	}
	for _, bad := range []string{"deny,warn", "block", ""} {
		if _, err := ParseActions(bad); err == nil {
			t.Errorf("ParseActions(%q) is not an error", bad)
		}
	}
}
