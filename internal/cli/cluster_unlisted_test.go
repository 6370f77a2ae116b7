package cli

import (
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/cluster"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
)

// TestMeshChecksLive: a mesh check is evaluated on a live scan when every
// custom resource it reads was listed, and reported not evaluated, with
// the reason, when one was not installed or could not be listed. Each
// check named exists, and each resource named is one the collector lists.
func TestMeshChecksLive(t *testing.T) {
	known := map[string]bool{}
	for _, cr := range cluster.CustomResources {
		known[cr.Name()] = true
	}
	var rules []check.Meta
	for id, resources := range liveInputs {
		c, ok := check.Default().Get(id)
		if !ok {
			t.Fatalf("liveInputs names %s, which is no check", id)
		}
		for _, r := range resources {
			if !known[r] {
				t.Errorf("%s reads %s, which the collector does not list", id, r)
			}
		}
		rules = append(rules, c.Meta())
	}
	rules = append(rules, check.Meta{ID: "privileged-container"})

	notInstalled := cluster.NotInstalled + ": the API server does not serve the API group security.istio.io"
	tests := []struct {
		name string
		cov  report.Coverage
		want map[check.ID]string // substrings of the reasons; absent: evaluated
	}{
		{"all listed", report.Coverage{Listed: map[string]int{}}, map[check.ID]string{
			"istio-namespace-mtls-not-strict":          "does not resolve",
			"istio-authorization-default-deny-missing": "does not resolve",
		}},
		{"istio not installed", report.Coverage{Skipped: map[string]string{
			"peerauthentications.security.istio.io":   notInstalled,
			"authorizationpolicies.security.istio.io": notInstalled,
		}}, map[check.ID]string{
			"istio-peer-authentication-permissive":     "peerauthentications.security.istio.io not installed",
			"istio-namespace-mtls-not-strict":          "peerauthentications.security.istio.io not installed",
			"istio-authorization-allow-all":            "authorizationpolicies.security.istio.io not installed",
			"istio-authorization-default-deny-missing": "authorizationpolicies.security.istio.io not installed",
		}},
		{"linkerd forbidden", report.Coverage{Gaps: []object.Gap{
			{Resource: "meshtlsauthentications.policy.linkerd.io", Reason: "forbidden"},
		}}, map[check.ID]string{
			"istio-namespace-mtls-not-strict":          "does not resolve",
			"istio-authorization-default-deny-missing": "does not resolve",
			"linkerd-authorization-allow-all":          "meshtlsauthentications.policy.linkerd.io could not be listed (forbidden)",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := &report.Report{Rules: rules}
			notListedLive(rep, &tc.cov, true)
			for id, why := range rep.NotEvaluated {
				if _, ok := tc.want[id]; !ok {
					t.Errorf("%s not evaluated (%q), want it evaluated", id, why)
				}
			}
			for id, want := range tc.want {
				why, ok := rep.NotEvaluated[id]
				if !ok || !strings.HasPrefix(why, "not evaluated: ") || !strings.Contains(why, want) {
					t.Errorf("%s: reason %q, want one with %q", id, why, want)
				}
			}
		})
	}
}

// TestPullSecretChecksNeedSecretData: a live scan that listed Secrets
// without their data reports the checks that read pull secrets as not
// evaluated; with their data it judges them; without Secrets at all it
// says why.
func TestPullSecretChecksNeedSecretData(t *testing.T) {
	rules := []check.Meta{{ID: "registry-credential-shared"}, {ID: "service-account-pull-secret-unused"}, {ID: "privileged-container"}}
	for id := range needSecretData {
		if _, ok := check.Default().Get(id); !ok {
			t.Fatalf("needSecretData names %s, which is no check", id)
		}
	}
	rep := &report.Report{Rules: rules}
	notListedLive(rep, &report.Coverage{}, false)
	if len(rep.NotEvaluated) != 2 || rep.NotEvaluated["registry-credential-shared"] != "not evaluated: Secrets were listed without their data (--include-secrets reads the pull secrets' registries)" {
		t.Errorf("metadata only: %v", rep.NotEvaluated)
	}
	rep = &report.Report{Rules: rules}
	notListedLive(rep, &report.Coverage{}, true)
	if len(rep.NotEvaluated) != 0 {
		t.Errorf("with --include-secrets: %v", rep.NotEvaluated)
	}
}
