package cli

import (
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/cluster"
	"github.com/kubestride/kubestride/internal/object"
)

// TestLiveChecksNotListed: a check that reads custom resources is evaluated
// on a live scan when every resource it reads was listed, and reported not
// evaluated, with the reason, when one was not installed or could not be
// listed; a check that reads other namespaces is not evaluated in a
// namespace scan. Each check named exists, and each resource named is one
// the collector lists.
func TestLiveChecksNotListed(t *testing.T) {
	known := map[string]bool{}
	for _, cr := range cluster.CustomResources {
		known[cr.Name()] = true
	}
	builtin := map[string]bool{}
	for _, r := range cluster.Resources() {
		builtin[r] = true
	}
	for id, resources := range liveInputs {
		if _, ok := check.Default().Get(id); !ok {
			t.Fatalf("liveInputs names %s, which is no check", id)
		}
		for _, r := range resources {
			if !known[r] {
				t.Errorf("%s reads %s, which the collector does not list", id, r)
			}
		}
	}
	for id, resources := range liveOptionalInputs {
		if _, ok := check.Default().Get(id); !ok {
			t.Fatalf("liveOptionalInputs names %s, which is no check", id)
		}
		for _, r := range resources {
			if !known[r] && !builtin[r] {
				t.Errorf("%s reads %s, which the collector does not list", id, r)
			}
		}
	}
	for id := range clusterWide {
		if _, ok := check.Default().Get(id); !ok {
			t.Fatalf("clusterWide names %s, which is no check", id)
		}
	}

	notInstalled := cluster.NotInstalled + ": the API server does not serve the API group security.istio.io"
	tests := []struct {
		name      string
		res       cluster.Result
		namespace string
		want      map[check.ID]string // substrings of the reasons; absent: evaluated
	}{
		{"all listed", cluster.Result{Listed: map[string]int{}}, "", map[check.ID]string{}},
		{"all listed in a namespace", cluster.Result{Listed: map[string]int{}}, "web", map[check.ID]string{
			"istio-namespace-mtls-not-strict":          "namespace scan does not list the mesh-wide policies of istio-system",
			"istio-authorization-default-deny-missing": "namespace scan does not list the mesh-wide policies of istio-system",
			"apiserver-monitoring-missing":             "namespace scan does not list the API server",
			"etcd-monitoring-missing":                  "namespace scan does not list etcd",
		}},
		{"istio not installed", cluster.Result{Skipped: map[string]string{
			"peerauthentications.security.istio.io":   notInstalled,
			"authorizationpolicies.security.istio.io": notInstalled,
		}}, "", map[check.ID]string{
			"istio-peer-authentication-permissive":     "peerauthentications.security.istio.io not installed",
			"istio-namespace-mtls-not-strict":          "peerauthentications.security.istio.io not installed",
			"istio-authorization-allow-all":            "authorizationpolicies.security.istio.io not installed",
			"istio-authorization-default-deny-missing": "authorizationpolicies.security.istio.io not installed",
		}},
		{"linkerd forbidden", cluster.Result{Gaps: []object.Gap{
			{Resource: "meshtlsauthentications.policy.linkerd.io", Reason: "forbidden"},
		}}, "", map[check.ID]string{
			"linkerd-authorization-allow-all": "meshtlsauthentications.policy.linkerd.io could not be listed (forbidden)",
		}},
		{"no Prometheus objects served", cluster.Result{Skipped: map[string]string{
			"prometheuses.monitoring.coreos.com": cluster.NotInstalled + ": the API server serves monitoring.coreos.com (v1) without Prometheus",
		}}, "", map[check.ID]string{}},
		{"Prometheus objects forbidden", cluster.Result{Gaps: []object.Gap{
			{Resource: "prometheuses.monitoring.coreos.com", Reason: "forbidden"},
		}}, "", map[check.ID]string{
			"apiserver-monitoring-missing": "prometheuses.monitoring.coreos.com could not be listed (forbidden)",
			"etcd-monitoring-missing":      "prometheuses.monitoring.coreos.com could not be listed (forbidden)",
		}},
		{"ConfigMaps forbidden", cluster.Result{Gaps: []object.Gap{
			{Resource: "configmaps", Namespace: "istio-system", Reason: "forbidden"},
		}}, "", map[check.ID]string{
			"istio-namespace-mtls-not-strict":          "configmaps could not be listed (forbidden)",
			"istio-authorization-default-deny-missing": "configmaps could not be listed (forbidden)",
		}},
		{"prometheus operator not installed", cluster.Result{Skipped: map[string]string{
			"prometheusrules.monitoring.coreos.com": cluster.NotInstalled + ": the API server does not serve the API group monitoring.coreos.com",
		}}, "", map[check.ID]string{
			"apiserver-monitoring-missing": "prometheusrules.monitoring.coreos.com not installed",
			"etcd-monitoring-missing":      "prometheusrules.monitoring.coreos.com not installed",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := notListedLive(&tc.res, tc.namespace, true)
			for id, why := range got {
				if _, ok := tc.want[id]; !ok {
					t.Errorf("%s not evaluated (%q), want it evaluated", id, why)
				}
			}
			for id, want := range tc.want {
				why, ok := got[id]
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
	for id := range needSecretData {
		if _, ok := check.Default().Get(id); !ok {
			t.Fatalf("needSecretData names %s, which is no check", id)
		}
	}
	got := notListedLive(&cluster.Result{}, "", false)
	if len(got) != len(needSecretData) || got["registry-credential-shared"] != "not evaluated: Secrets were listed without their data (--include-secrets reads the pull secrets' registries)" {
		t.Errorf("metadata only: %v", got)
	}
	if got := notListedLive(&cluster.Result{}, "", true); len(got) != 0 {
		t.Errorf("with --include-secrets: %v", got)
	}
	got = notListedLive(&cluster.Result{Skipped: map[string]string{"secrets": "not listed (--no-secrets)"}}, "", false)
	if got["service-account-pull-secret-unused"] != "not evaluated: secrets not listed (--no-secrets)" {
		t.Errorf("without Secrets: %v", got)
	}
}
