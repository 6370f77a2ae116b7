package checks

import (
	"sort"
	"testing"

	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/pss"
)

// registeredPSSChecks returns the registered PSS checks by PSA check ID.
func registeredPSSChecks() map[string][]pssCheck {
	out := map[string][]pssCheck{}
	for _, c := range check.Default().All() {
		if p, ok := c.(pssCheck); ok {
			out[p.psaID] = append(out[p.psaID], p)
		}
	}
	return out
}

// TestPSSCatalogComplete keeps the PSS checks in step with the library: every
// check of policy.DefaultChecks() has exactly one kubestride check, and no
// kubestride check names a PSA check the library does not have. A library
// upgrade that adds a control fails here until the control has a check.
func TestPSSCatalogComplete(t *testing.T) {
	registered := registeredPSSChecks()
	known := map[string]api.Level{}
	for _, c := range pss.DefaultChecks() {
		id := string(c.ID)
		known[id] = c.Level
		switch got := registered[id]; len(got) {
		case 0:
			t.Errorf("PSA check %q (%s) has no kubestride check: add internal/checks/check_pss_<name>.go", id, c.Level)
		case 1:
		default:
			var ids []string
			for _, p := range got {
				ids = append(ids, string(p.meta.ID))
			}
			sort.Strings(ids)
			t.Errorf("PSA check %q has %d kubestride checks (%v), want one", id, len(got), ids)
		}
	}
	var unknown []string
	for id := range registered {
		if _, ok := known[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	sort.Strings(unknown)
	for _, id := range unknown {
		for _, p := range registered[id] {
			t.Errorf("check %s names PSA check %q, which policy.DefaultChecks() does not have", p.meta.ID, id)
		}
	}
	if len(registered) == 0 {
		t.Fatal("no PSS check is registered")
	}
}

// TestPSSCheckMeta holds the PSS checks to the conventions they share: the
// ElevationOfPrivilege category, an ID starting with pss-, a locate
// function, and a first reference to the PSS page section of the level the
// control belongs to.
func TestPSSCheckMeta(t *testing.T) {
	levels := map[string]api.Level{}
	for _, c := range pss.DefaultChecks() {
		levels[string(c.ID)] = c.Level
	}
	for psaID, checks := range registeredPSSChecks() {
		for _, p := range checks {
			m := p.meta
			t.Run(string(m.ID), func(t *testing.T) {
				if m.Category != check.ElevationOfPrivilege {
					t.Errorf("category %s, want ElevationOfPrivilege", m.Category)
				}
				if len(m.ID) < 5 || m.ID[:4] != "pss-" {
					t.Errorf("ID %q does not start with pss-", m.ID)
				}
				if p.locate == nil {
					t.Error("no locate function")
				}
				level, ok := levels[psaID]
				if !ok {
					return // reported by TestPSSCatalogComplete
				}
				if want := refPSS + "#" + string(level); len(m.References) == 0 || m.References[0] != want {
					t.Errorf("first reference %v, want %s", m.References, want)
				}
			})
		}
	}
}
