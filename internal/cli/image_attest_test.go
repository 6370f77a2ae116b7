package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/attest"
	"github.com/kubestride/kubestride/internal/image/imagetest"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/sign/cosigntest"
	"github.com/kubestride/kubestride/internal/report"
)

// TestImageGateAttestation is the promotion flow end to end, with the real
// cosign: an image signed by cosign is gated with --key, --sign-key and
// --promote-to; the promoted copy has the source's digest, its signature
// verifies in the promotion repository, and the attestation of the
// decision verifies with image verify --attestation and with cosign
// verify-attestation. An unsigned image is quarantined for having no
// signature, and its failing decision attested in quarantine. An
// attestation altered, or moved to another digest, is refused.
func TestImageGateAttestation(t *testing.T) {
	cosign := cosigntest.New(t)
	reg := imagetest.Start(t)
	key, pub := cosign.KeyPair()
	_, otherPub := cosign.KeyPair()
	t.Setenv("COSIGN_PASSWORD", cosigntest.Password)
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
	push := func(repo string) string {
		img := imagetest.Image(t, imagetest.ImageOptions{Annotations: map[string]string{image.AnnotationBaseName: reg.Host + "/base/debian:12"}})
		return imagetest.Push(t, reg.Ref(repo, ":v1"), img).String()
	}
	trivy := func(repo, digest string) string {
		return write(strings.ReplaceAll(repo, "/", "-")+".json", fmt.Sprintf(`{"SchemaVersion": 2, "CreatedAt": %q, "ArtifactName": "app", "ArtifactType": "container_image",
 "Metadata": {"RepoDigests": ["%s/%s@%s"]},
 "Results": [{"Target": "app", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": [
  {"VulnerabilityID": "CVE-2026-4000", "PkgName": "curl", "InstalledVersion": "7.88.1", "Severity": "MEDIUM"}]}]}`,
			time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC).Format(time.RFC3339), reg.Host, repo, digest))
	}
	cosignVerifyAtt := func(image string) (string, error) {
		return cosign.Run(t.TempDir(), "verify-attestation", "--key", pub, "--type", policy.PredicateType, "--insecure-ignore-tlog=true", image)
	}

	// Promotion: signed, gated, copied, attested.
	digest := push("team/app")
	cosign.Sign(key, reg.Ref("team/app", "@"+digest))
	out, errOut, code := run(t, "", "image", "gate", reg.Ref("team/app", ":v1"), "--policy", pol, "--report", trivy("team/app", digest),
		"--key", pub, "--sign-key", key, "--promote-to", reg.Host+"/prod/app", "-f", "json")
	if code != 0 {
		t.Fatalf("signed image: exit %d\n%s\n%s", code, out, errOut)
	}
	var got struct{ Verdict, Destination, CopiedTo, Attestation string }
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	promoted := reg.Host + "/prod/app@" + digest
	if got.Verdict != "pass" || got.Destination != "promoted" || got.CopiedTo != promoted ||
		got.Attestation != reg.Host+"/prod/app:"+strings.Replace(digest, ":", "-", 1)+".att" {
		t.Errorf("signed image: %+v", got)
	}
	if out, _, code := run(t, "", "image", "verify", promoted, "--key", pub); code != 0 || !strings.Contains(out, "VERIFIED  "+promoted) {
		t.Errorf("the signature does not verify in the promotion repository: exit %d\n%s", code, out)
	}
	out, errOut, code = run(t, "", "image", "verify", reg.Host+"/prod/app:v1@"+digest, "--key", otherPub, "--key", pub, "--attestation")
	want := []string{
		"ATTESTED  " + promoted + ": verdict pass, decided 2026-11-27T12:00:00Z",
		"  policy   " + pol + " sha256:",
		"  report   " + trivy("team/app", digest) + " sha256:",
		" (trivy)",
		"  ok       " + reg.Host + "/prod/app:" + strings.Replace(digest, ":", "-", 1) + ".att layer 0: key " + pub,
	}
	for _, w := range want {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("verify --attestation of the promoted image: exit %d, output lacks %q\n%s%s", code, w, out, errOut)
		}
	}
	if out, err := cosignVerifyAtt(promoted); err != nil {
		t.Errorf("cosign verify-attestation refuses the gate's attestation: %v\n%s", err, out)
	}
	// The source was copied, not attested.
	if out, _, code := run(t, "", "image", "verify", reg.Ref("team/app", "@"+digest), "--key", pub, "--attestation"); code != report.ExitFindings || !strings.Contains(out, ": no attestation: ") {
		t.Errorf("source repository: exit %d\n%s", code, out)
	}

	// Quarantine: unsigned.
	unsigned := push("team/unsigned")
	out, errOut, code = run(t, "", "image", "gate", reg.Ref("team/unsigned", ":v1"), "--policy", pol, "--report", trivy("team/unsigned", unsigned),
		"--key", pub, "--sign-key", key, "--quarantine-to", reg.Host+"/quarantine/app")
	quarantined := reg.Host + "/quarantine/app@" + unsigned
	for _, w := range []string{
		"verdict: fail",
		`  fail (signature): image "` + reg.Host + `/team/unsigned@` + unsigned + `" has no verified signature from the keys or identities for ` + reg.Host + `/team/unsigned (--key): no signature found`,
		"quarantined: " + quarantined,
		"attested: " + reg.Host + "/quarantine/app:" + strings.Replace(unsigned, ":", "-", 1) + ".att",
	} {
		if code != report.ExitFindings || !strings.Contains(out, w) {
			t.Errorf("unsigned image: exit %d, output lacks %q\n%s%s", code, w, out, errOut)
		}
	}
	out, _, code = run(t, "", "image", "verify", quarantined, "--key", pub, "--attestation")
	if code != report.ExitFindings || !strings.Contains(out, "ATTESTED  "+quarantined+": verdict fail") || !strings.Contains(out, "  fail (signature): ") {
		t.Errorf("verify --attestation of the quarantined image: exit %d\n%s", code, out)
	}
	if out, err := cosignVerifyAtt(quarantined); err != nil {
		t.Errorf("cosign verify-attestation refuses the quarantine attestation: %v\n%s", err, out)
	}

	// The quarantine decision altered to pass, in place.
	att := reg.Host + "/quarantine/app:" + strings.Replace(unsigned, ":", "-", 1) + ".att"
	alterAttestation(t, att, quarantined, func(payload string) string {
		return strings.Replace(payload, `"verdict": "fail"`, `"verdict": "pass"`, 1)
	})
	out, _, code = run(t, "", "image", "verify", quarantined, "--key", pub, "--attestation")
	if code != report.ExitFindings || !strings.Contains(out, "REFUSED   "+quarantined+": bad signature: the envelope verifies with none of the given keys") {
		t.Errorf("altered attestation: exit %d\n%s", code, out)
	}
	if out, err := cosignVerifyAtt(quarantined); err == nil {
		t.Errorf("cosign verify-attestation accepts an altered attestation:\n%s", out)
	}

	// The promoted image's genuine attestation, put on another digest.
	other := push("team/other")
	alterAttestation(t, reg.Host+"/prod/app:"+strings.Replace(digest, ":", "-", 1)+".att", reg.Ref("team/other", "@"+other), nil)
	out, _, code = run(t, "", "image", "verify", reg.Ref("team/other", ":v1"), "--key", pub, "--attestation")
	if code != report.ExitFindings || !strings.Contains(out, ": attestation for another digest: the statement's subject is "+digest+", not "+other) {
		t.Errorf("attestation of another digest: exit %d\n%s", code, out)
	}

	if _, errOut, code := run(t, "", "image", "verify", promoted, "--attestation"); code != report.ExitError || !strings.Contains(errOut, "--attestation needs --key") {
		t.Errorf("--attestation without --key: exit %d, %q", code, errOut)
	}
	if _, errOut, code := run(t, "", "image", "gate", promoted, "--policy", pol, "--sign-key", pub); code != report.ExitError || !strings.Contains(errOut, "is a public key; signing takes the private key") {
		t.Errorf("--sign-key with a public key: exit %d, %q", code, errOut)
	}
}

// alterAttestation reads the gate's attestation in the tag from, edits its
// statement with edit (nil for none) without signing it again, and
// attaches the envelope to the image to (ref@digest).
func alterAttestation(t *testing.T, from, to string, edit func(payload string) string) {
	t.Helper()
	tag, err := name.NewTag(from)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(tag)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%s: %d layers, %v", from, len(layers), err)
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		var env map[string]any
		if err := json.Unmarshal(body, &env); err != nil {
			t.Fatal(err)
		}
		payload, err := base64.StdEncoding.DecodeString(env["payload"].(string))
		if err != nil {
			t.Fatal(err)
		}
		altered := edit(string(payload))
		if altered == string(payload) {
			t.Fatalf("%s: the edit changed nothing in\n%s", from, payload)
		}
		env["payload"] = base64.StdEncoding.EncodeToString([]byte(altered))
		if body, err = json.Marshal(env); err != nil {
			t.Fatal(err)
		}
	}
	d, err := name.NewDigest(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := attest.Attach(t.Context(), d, body, policy.PredicateType); err != nil {
		t.Fatal(err)
	}
}
