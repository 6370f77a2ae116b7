package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubestride/kubestride/internal/cli"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/testcluster"
)

const meshNS = "e2e-mesh"

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// kubestrideOut runs the CLI in-process and returns its standard output.
func kubestrideOut(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
	return out.String(), code
}

// meshFindings are a report's findings of the mesh checks the live scan
// evaluates, as "id kind namespace/name: message".
func meshFindings(r *report.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if !strings.HasPrefix(string(f.ID), "istio-") && !strings.HasPrefix(string(f.ID), "linkerd-") {
			continue
		}
		out = append(out, string(f.ID)+" "+f.Resource.Kind+" "+f.Resource.Namespace+"/"+f.Resource.Name+": "+f.Message)
	}
	slices.Sort(out)
	return out
}

// skippedWith reports whether the JUnit report marks check id skipped with
// a reason that holds want.
func skippedWith(junit, id, want string) bool {
	i := strings.Index(junit, `classname="`+id+`">`)
	if i < 0 {
		return false
	}
	rest := junit[i:]
	if end := strings.Index(rest, "</testcase>"); end >= 0 {
		rest = rest[:end]
	}
	return strings.Contains(rest, "<skipped message=\"not evaluated: ") && strings.Contains(rest, want)
}

// TestMeshCustomResourcesLive: without the mesh CRDs a live scan reports
// the mesh checks not evaluated because their resources are not installed
// (in Coverage as skipped, not as gaps); with Istio's and Linkerd's CRDs
// installed (no mesh control plane) it lists their policies and finds what
// a scan of the same objects' manifests finds; a user who may not list
// them gets gaps and the checks not evaluated as forbidden.
func TestMeshCustomResourcesLive(t *testing.T) {
	ctx := context.Background()
	cfg := testcluster.Shared.Config("admin")
	kc := testcluster.Shared.Kubeconfig
	if err := testcluster.Shared.Namespace(ctx, meshNS, map[string]string{"istio-injection": "enabled"}); err != nil {
		t.Fatal(err)
	}
	live := func(user string, format string) []string {
		return []string{"scan", "--cluster", "--kubeconfig", kc, "--context", user, "-n", meshNS, "-f", format}
	}

	// Not installed.
	r, stderr, code := kubestride(t, live("admin", "json")...)
	if code == report.ExitError {
		t.Fatalf("scan without the mesh CRDs: exit code %d; stderr:\n%s", code, stderr)
	}
	for _, res := range []string{"peerauthentications.security.istio.io", "authorizationpolicies.security.istio.io", "servers.policy.linkerd.io", "servicemonitors.monitoring.coreos.com"} {
		if why := r.Coverage.Skipped[res]; !strings.HasPrefix(why, "not installed: ") {
			t.Errorf("without the CRDs: coverage.skipped[%s] = %q, want not installed", res, why)
		}
	}
	for _, g := range r.Coverage.Gaps {
		t.Errorf("without the CRDs: gap %+v", g)
	}
	junit, _ := kubestrideOut(t, live("admin", "junit")...)
	if !skippedWith(junit, "istio-peer-authentication-permissive", "peerauthentications.security.istio.io not installed") {
		t.Errorf("without the CRDs: istio-peer-authentication-permissive is not reported not evaluated as not installed:\n%s", junit)
	}

	// Installed.
	installCRDs(t, "mesh-crds.yaml")
	names := []string{"peerauthentications.security.istio.io", "authorizationpolicies.security.istio.io", "servers.policy.linkerd.io", "authorizationpolicies.policy.linkerd.io"}
	objects := filepath.Join("testdata", "mesh-objects.yaml")
	data, err := os.ReadFile(objects)
	if err != nil {
		t.Fatal(err)
	}
	if err := applyServerSide(ctx, cfg, data); err != nil {
		t.Fatalf("create the mesh policies: %v", err)
	}

	fromFiles, stderr, _ := kubestride(t, "scan", "-f", "json", objects)
	want := meshFindings(fromFiles)
	for _, id := range []string{"istio-peer-authentication-permissive", "istio-authorization-allow-all"} {
		if !slices.ContainsFunc(want, func(s string) bool { return strings.HasPrefix(s, id+" ") }) {
			t.Fatalf("the manifest scan does not find %s: %v\nstderr:\n%s", id, want, stderr)
		}
	}
	r, stderr, code = kubestride(t, live("admin", "json")...)
	if code == report.ExitError {
		t.Fatalf("scan with the mesh CRDs: exit code %d; stderr:\n%s", code, stderr)
	}
	if got := meshFindings(r); !slices.Equal(got, want) {
		t.Errorf("live mesh findings differ from the manifest scan's:\nlive:      %q\nmanifests: %q", got, want)
	}
	for _, res := range names {
		if r.Coverage.Listed[res] != 1 {
			t.Errorf("coverage.listed[%s] = %d, want 1", res, r.Coverage.Listed[res])
		}
		if why, ok := r.Coverage.Skipped[res]; ok {
			t.Errorf("coverage.skipped[%s] = %q, yet it is installed", res, why)
		}
	}
	junit, _ = kubestrideOut(t, live("admin", "junit")...)
	for _, id := range []string{"istio-peer-authentication-permissive", "istio-authorization-allow-all"} {
		if strings.Contains(junit, `classname="`+id+`">`+"\n      <skipped") {
			t.Errorf("%s is still reported not evaluated with its resources listed", id)
		}
	}
	if !strings.Contains(junit, `classname="linkerd-authorization-default-deny-missing"`) || strings.Contains(junit, `classname="linkerd-authorization-default-deny-missing">`+"\n      <skipped") {
		t.Errorf("linkerd-authorization-default-deny-missing is reported not evaluated with AuthorizationPolicies and ServerAuthorizations listed:\n%s", junit)
	}
	// Linkerd's authentications are not installed here: the check that
	// reads them is not evaluated, and says so.
	if !skippedWith(junit, "linkerd-authorization-allow-all", "meshtlsauthentications.policy.linkerd.io not installed") {
		t.Errorf("linkerd-authorization-allow-all is not reported not evaluated for want of MeshTLSAuthentications:\n%s", junit)
	}

	// The namespace's effective policy: a namespace scan does not see the
	// mesh-wide policies of istio-system and does not judge it; a
	// cluster-wide scan does.
	if !skippedWith(junit, "istio-namespace-mtls-not-strict", "a namespace scan does not list the mesh-wide policies of istio-system") {
		t.Errorf("namespace scan: istio-namespace-mtls-not-strict is not reported not evaluated:\n%s", junit)
	}
	wide := []string{"scan", "--cluster", "--kubeconfig", kc, "--context", "admin", "-f", "json",
		"--check", "istio-namespace-mtls-not-strict,istio-authorization-default-deny-missing"}
	namespaceFindings := func() []string {
		r, stderr, code := kubestride(t, wide...)
		if code == report.ExitError {
			t.Fatalf("cluster-wide scan: exit code %d; stderr:\n%s", code, stderr)
		}
		var out []string
		for _, f := range meshFindings(r) {
			if strings.Contains(f, " Namespace /"+meshNS+": ") {
				out = append(out, f)
			}
		}
		return out
	}
	wantPermissive := []string{`istio-namespace-mtls-not-strict Namespace /` + meshNS + `: namespace "` + meshNS + `" must be covered by a PeerAuthentication with spec.mtls.mode=STRICT (PeerAuthentication "` + meshNS + `/default" sets mode PERMISSIVE)`}
	if got := namespaceFindings(); !slices.Equal(got, wantPermissive) {
		t.Errorf("cluster-wide, PERMISSIVE:\n%q\nwant\n%q", got, wantPermissive)
	}
	strict := []byte("apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: " + meshNS + "}\nspec: {mtls: {mode: STRICT}}\n")
	if err := applyServerSide(ctx, cfg, strict); err != nil {
		t.Fatalf("make the namespace STRICT: %v", err)
	}
	wantStrict := []string{`istio-authorization-default-deny-missing Namespace /` + meshNS + `: namespace "` + meshNS + `" must have an allow-nothing AuthorizationPolicy (spec: {}) or be covered by one in istio-system (it requires mutual TLS, but every authenticated caller may reach every service in it)`}
	if got := namespaceFindings(); !slices.Equal(got, wantStrict) {
		t.Errorf("cluster-wide, STRICT without an allow-nothing policy:\n%q\nwant\n%q", got, wantStrict)
	}
	if err := applyServerSide(ctx, cfg, []byte("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-nothing, namespace: "+meshNS+"}\nspec: {}\n")); err != nil {
		t.Fatalf("deny by default: %v", err)
	}
	if got := namespaceFindings(); len(got) != 0 {
		t.Errorf("cluster-wide, STRICT and deny by default: %q", got)
	}

	// A user who may not list them: gaps, and the checks not evaluated as
	// forbidden.
	r, _, code = kubestride(t, live("alice", "json")...)
	if code != report.ExitError {
		t.Errorf("alice: exit code = %d, want %d", code, report.ExitError)
	}
	gaps := map[string]string{}
	for _, g := range r.Coverage.Gaps {
		gaps[g.Resource] = g.Reason
	}
	for _, res := range names {
		if gaps[res] != "forbidden" {
			t.Errorf("alice: gap for %s = %q, want forbidden", res, gaps[res])
		}
	}
	junit, _ = kubestrideOut(t, live("alice", "junit")...)
	if !skippedWith(junit, "istio-peer-authentication-permissive", "peerauthentications.security.istio.io could not be listed (forbidden)") {
		t.Errorf("alice: istio-peer-authentication-permissive is not reported not evaluated as forbidden:\n%s", junit)
	}
}
