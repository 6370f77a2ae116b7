package gate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/imagetest"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/vuln"
)

var now = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func testPolicy(t *testing.T, host string) *policy.Policy {
	t.Helper()
	text := fmt.Sprintf(`apiVersion: kubestride.io/v1alpha1
kind: ImagePolicy
repositories: [%[1]s/team/*]
baseImages:
  allow: [{name: %[1]s/base/*}]
  unknown: fail
vulnerabilities:
  maxSeverity: high
  maxReportAge: 24h
`, host)
	p, err := policy.Parse("policy.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// trivyReport is a Trivy JSON report on the image at digest, made at
// created, with one vulnerability of severity.
func trivyReport(t *testing.T, repo, digest, severity string, created time.Time) *vuln.Report {
	t.Helper()
	text := fmt.Sprintf(`{"SchemaVersion": 2, "CreatedAt": %q, "ArtifactName": %q, "ArtifactType": "container_image",
 "Metadata": {"RepoDigests": [%q]},
 "Results": [{"Target": "app", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": [
  {"VulnerabilityID": "CVE-2026-4000", "PkgName": "curl", "InstalledVersion": "7.88.1", "FixedVersion": "7.88.2", "Severity": %q}]}]}`,
		created.Format(time.RFC3339), repo+":v1", repo+"@"+digest, severity)
	r, err := vuln.ParseReport("trivy.json", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGate: an image on an approved base with a report within the
// maximum is promoted, by digest, identical; one with a critical
// vulnerability is quarantined with the reason; a report on another digest
// leaves the vulnerability rule not evaluated, which quarantines too; an
// image without a base annotation fails as unknown base; an unreachable
// registry is an error naming it, and nothing is decided.
func TestGate(t *testing.T) {
	reg := imagetest.Start(t)
	p := testPolicy(t, reg.Host)
	base := map[string]string{image.AnnotationBaseName: reg.Host + "/base/debian:12"}
	good := imagetest.Push(t, reg.Ref("team/app", ":v1"), imagetest.Image(t, imagetest.ImageOptions{Annotations: base})).String()
	other := imagetest.Push(t, reg.Ref("team/other", ":v1"), imagetest.Image(t, imagetest.ImageOptions{Annotations: base})).String()
	nobase := imagetest.Push(t, reg.Ref("team/nobase", ":v1"), imagetest.Image(t, imagetest.ImageOptions{History: []string{"FROM scratch"}})).String()
	client, err := image.NewClient(image.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	opts := func(r *vuln.Report) Options {
		return Options{Client: client, Policy: p, Report: r, Now: now,
			PromoteTo: reg.Host + "/prod/app", QuarantineTo: reg.Host + "/quarantine/app"}
	}
	ctx := context.Background()

	res, err := Run(ctx, reg.Ref("team/app", ":v1"), opts(trivyReport(t, reg.Host+"/team/app", good, "HIGH", now.Add(-time.Hour))))
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision.Verdict != policy.Pass || res.Destination != Promoted {
		t.Fatalf("good image: %s, %q; reasons %v, not evaluated %v", res.Decision.Verdict, res.Destination, res.Decision.Reasons, res.Decision.NotEvaluated)
	}
	if got := res.Copied.Target.Digest; got != good {
		t.Errorf("promoted digest %s, want the source's %s", got, good)
	}
	back, err := client.Facts(ctx, mustRef(t, reg.Host+"/prod/app@"+good))
	if err != nil || back.Digest.String() != good {
		t.Errorf("the promoted image is not in the promotion repository by its digest: %v", err)
	}

	res, err = Run(ctx, reg.Ref("team/app", ":v1"), opts(trivyReport(t, reg.Host+"/team/app", good, "CRITICAL", now.Add(-time.Hour))))
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision.Verdict != policy.Fail || res.Destination != Quarantined || res.Copied.Target.Digest != good {
		t.Fatalf("critical: %s, %q", res.Decision.Verdict, res.Destination)
	}
	if msg := reasons(res.Decision.Reasons); !strings.Contains(msg, "CVE-2026-4000 (critical) in curl 7.88.1") {
		t.Errorf("critical: reasons %q do not name the vulnerability", msg)
	}

	res, err = Run(ctx, reg.Ref("team/app", ":v1"), opts(trivyReport(t, reg.Host+"/team/other", other, "LOW", now.Add(-time.Hour))))
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision.Verdict != policy.Fail || res.Decision.Complete() || res.Destination != Quarantined {
		t.Errorf("report on another digest: %s, complete %v, %q; want a failing, incomplete decision, quarantined", res.Decision.Verdict, res.Decision.Complete(), res.Destination)
	}
	if msg := reasons(res.Decision.NotEvaluated); !strings.Contains(msg, "is for "+other+", not for image \""+reg.Host+"/team/app@"+good+"\"") {
		t.Errorf("report on another digest: not evaluated %q does not say so", msg)
	}

	res, err = Run(ctx, reg.Ref("team/nobase", ":v1"), Options{Client: client, Policy: p, Report: trivyReport(t, reg.Host+"/team/nobase", nobase, "LOW", now.Add(-time.Hour)), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision.Verdict != policy.Fail || res.Destination != NotCopied || !strings.Contains(reasons(res.Decision.Reasons), "has an unknown base image: no org.opencontainers.image.base.name annotation") {
		t.Errorf("no base annotation: %s, %q, reasons %v", res.Decision.Verdict, res.Destination, res.Decision.Reasons)
	}

	reg.Close()
	_, err = Run(ctx, reg.Ref("team/app", ":v1"), opts(nil))
	if !errors.Is(err, image.ErrUnreachable) || !strings.Contains(err.Error(), reg.Host) {
		t.Errorf("closed registry: err = %v, want unreachable naming %s", err, reg.Host)
	}
}

func reasons(rs []policy.Reason) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Message + "\n")
	}
	return b.String()
}

func mustRef(t *testing.T, s string) image.Ref {
	t.Helper()
	r, err := image.ParseRef(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
