package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// pullSecretChecks are the checks that read what pull secrets hold.
var pullSecretChecks = []string{"registry-credential-shared", "registry-credential-push-access", "service-account-pull-secret-unused"}

// pullSecretFindings are a report's findings of pullSecretChecks in the
// test's namespaces, as "id kind namespace/name: message".
func pullSecretFindings(r *report.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if slices.Contains(pullSecretChecks, string(f.ID)) && strings.HasPrefix(f.Resource.Namespace, "e2e-reg-") {
			out = append(out, string(f.ID)+" "+f.Resource.Kind+" "+f.Resource.Namespace+"/"+f.Resource.Name+": "+f.Message)
		}
	}
	slices.Sort(out)
	return out
}

// TestPullSecretChecksLive: a live scan with --include-secrets finds what
// a scan of the same manifests finds about pull secrets (a credential in
// three namespaces, a registry token that grants push, a ServiceAccount's
// unused pull secret), and never prints the credentials; without
// --include-secrets it reports those checks not evaluated.
func TestPullSecretChecksLive(t *testing.T) {
	ctx := context.Background()
	cfg := testcluster.Shared.Config("admin")
	kc := testcluster.Shared.Kubeconfig
	file := filepath.Join("testdata", "pull-secrets.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := applyServerSide(ctx, cfg, data); err != nil {
		t.Fatalf("create the pull secrets: %v", err)
	}
	only := strings.Join(pullSecretChecks, ",")

	fromFiles, stderr, _ := kubestride(t, "scan", "-f", "json", "--check", only, file)
	want := pullSecretFindings(fromFiles)
	for _, id := range pullSecretChecks {
		if !slices.ContainsFunc(want, func(s string) bool { return strings.HasPrefix(s, id+" ") }) {
			t.Fatalf("the manifest scan does not find %s: %q\nstderr:\n%s", id, want, stderr)
		}
	}

	live := []string{"scan", "--cluster", "--kubeconfig", kc, "--context", "admin", "--check", only}
	out, code := kubestrideOut(t, append(live, "-f", "json", "--include-secrets")...)
	if code == report.ExitError {
		t.Fatalf("live scan: exit code %d:\n%s", code, out)
	}
	r, _, _ := kubestride(t, append(live, "-f", "json", "--include-secrets")...)
	if got := pullSecretFindings(r); !slices.Equal(got, want) {
		t.Errorf("live findings differ from the manifest scan's:\nlive:      %q\nmanifests: %q", got, want)
	}
	for _, secret := range []string{"e2e-not-a-real-password-0000", "eyJ"} {
		if strings.Contains(out, secret) {
			t.Errorf("the report prints a credential (%q)", secret)
		}
	}

	junit, _ := kubestrideOut(t, append(live, "-f", "junit")...)
	for _, id := range pullSecretChecks {
		if !skippedWith(junit, id, "Secrets were listed without their data") {
			t.Errorf("without --include-secrets: %s is not reported not evaluated:\n%s", id, junit)
		}
	}
}
