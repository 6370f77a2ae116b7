package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/imagetest"
)

// TestImageGate: kubestride image gate on a real registry in process: a
// passing image is promoted and exits 0 with its in-toto statement; a
// critical vulnerability quarantines it and exits 1; no report leaves the
// vulnerability rule not evaluated and exits 2; an unreachable registry
// exits 2 naming it; a policy with a misspelt field is refused at its line.
func TestImageGate(t *testing.T) {
	reg := imagetest.Start(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pol := write("policy.yaml", fmt.Sprintf(`apiVersion: kubestride.io/v1alpha1
kind: ImagePolicy
repositories: [%[1]s/team/*]
baseImages: {allow: [{name: %[1]s/base/*}]}
vulnerabilities: {maxSeverity: high, maxReportAge: 7d}
`, reg.Host))
	img := imagetest.Image(t, imagetest.ImageOptions{Annotations: map[string]string{image.AnnotationBaseName: reg.Host + "/base/debian:12"}})
	digest := imagetest.Push(t, reg.Ref("team/app", ":v1"), img).String()
	report := func(name, severity string) string {
		return write(name, fmt.Sprintf(`{"SchemaVersion": 2, "CreatedAt": %q, "ArtifactName": "app", "ArtifactType": "container_image",
 "Metadata": {"RepoDigests": ["%s/team/app@%s"]},
 "Results": [{"Target": "app", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": [
  {"VulnerabilityID": "CVE-2026-4000", "PkgName": "curl", "InstalledVersion": "7.88.1", "Severity": %q}]}]}`,
			time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC).Format(time.RFC3339), reg.Host, digest, severity))
	}
	ref := reg.Ref("team/app", ":v1")

	out, errOut, code := run(t, "", "image", "gate", ref, "--policy", pol, "--report", report("high.json", "HIGH"), "--promote-to", reg.Host+"/prod/app", "-f", "json")
	if code != 0 {
		t.Fatalf("passing image: exit %d\n%s\n%s", code, out, errOut)
	}
	var got struct {
		Verdict, Destination, CopiedTo string
		Statement                      struct {
			Subject []struct {
				Digest struct{ SHA256 string }
			}
			PredicateType string
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Verdict != "pass" || got.Destination != "promoted" || got.CopiedTo != reg.Host+"/prod/app@"+digest ||
		len(got.Statement.Subject) != 1 || "sha256:"+got.Statement.Subject[0].Digest.SHA256 != digest {
		t.Errorf("passing image: %+v", got)
	}

	out, _, code = run(t, "", "image", "gate", ref, "--policy", pol, "--report", report("critical.json", "CRITICAL"), "--quarantine-to", reg.Host+"/quarantine/app")
	want := []string{
		"image " + reg.Host + "/team/app@" + digest,
		"verdict: fail",
		`  fail (vulnerability): image "` + reg.Host + `/team/app@` + digest + `" has CVE-2026-4000 (critical) in curl 7.88.1, above the maximum high`,
		"quarantined: " + reg.Host + "/quarantine/app@" + digest + " (0 attached: signatures, attestations, referrers)",
	}
	if code != 1 || strings.TrimSpace(out) != strings.Join(want, "\n") {
		t.Errorf("critical vulnerability: exit %d\n%s\nwant\n%s", code, out, strings.Join(want, "\n"))
	}

	out, _, code = run(t, "", "image", "gate", ref, "--policy", pol)
	if code != 2 || !strings.Contains(out, "not evaluated (report): ") {
		t.Errorf("no report: exit %d\n%s", code, out)
	}

	bad := write("bad.yaml", "apiVersion: kubestride.io/v1alpha1\nkind: ImagePolicy\nrepositorys: [x]\n")
	if _, errOut, code := run(t, "", "image", "gate", ref, "--policy", bad); code != 2 || !strings.Contains(errOut, "bad.yaml:3") {
		t.Errorf("misspelt policy: exit %d, %q", code, errOut)
	}

	reg.Close()
	if _, errOut, code := run(t, "", "image", "gate", ref, "--policy", pol); code != 2 || !strings.Contains(errOut, reg.Host+" is unreachable") {
		t.Errorf("closed registry: exit %d, %q", code, errOut)
	}
}
