package cli

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/report"
)

// TestMeshChecksNotEvaluatedLive: the mesh checks that judge custom
// resources a live scan does not list are reported not evaluated on a
// cluster, and each such check exists in the catalogue.
func TestMeshChecksNotEvaluatedLive(t *testing.T) {
	var rules []check.Meta
	for id := range unlistedLive {
		c, ok := check.Default().Get(id)
		if !ok {
			t.Fatalf("unlistedLive names %s, which is no check", id)
		}
		rules = append(rules, c.Meta())
	}
	rules = append(rules, check.Meta{ID: "privileged-container"})
	rep := &report.Report{Rules: rules}
	notListedLive(rep)
	if len(rep.NotEvaluated) != len(unlistedLive) {
		t.Errorf("NotEvaluated = %v, want the %d mesh checks", rep.NotEvaluated, len(unlistedLive))
	}
	if why := rep.NotEvaluated["istio-namespace-mtls-not-strict"]; why != "not evaluated: a live scan does not list Istio PeerAuthentications yet (scan their manifests)" {
		t.Errorf("reason %q", why)
	}
}
