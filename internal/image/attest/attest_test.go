package attest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/sigstore/pkg/cryptoutils"

	"github.com/kubestride/kubestride/internal/image/imagetest"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/sign"
	"github.com/kubestride/kubestride/internal/image/sign/cosigntest"
)

// keyPair writes a plain PEM ECDSA P-256 private key and its public key.
func keyPair(t *testing.T) (priv, pub string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	privPEM, err := cryptoutils.MarshalPrivateKeyToPEM(k)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := cryptoutils.MarshalPublicKeyToPEM(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	priv, pub = filepath.Join(dir, "key.pem"), filepath.Join(dir, "key.pub")
	if err := os.WriteFile(priv, privPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, pubPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

// statement is a decision of verdict on the image at d.
func statement(d name.Digest, verdict policy.Verdict) policy.Statement {
	reasons := []policy.Reason{}
	if verdict == policy.Fail {
		reasons = append(reasons, policy.Reason{Rule: "vulnerability", Message: "image has CVE-2026-4000 (critical)"})
	}
	return policy.Statement{
		Type:          policy.StatementType,
		Subject:       []policy.Subject{{Name: d.Context().Name(), Digest: policy.DigestSet{SHA256: strings.TrimPrefix(d.DigestStr(), "sha256:")}}},
		PredicateType: policy.PredicateType,
		Predicate: policy.GatePredicate{
			Policy:  policy.Input{URI: "policy.yaml", Digest: policy.DigestSet{SHA256: strings.Repeat("ab", 32)}},
			Verdict: verdict, Reasons: reasons, NotEvaluated: []policy.Reason{}, Suppressed: []policy.Reason{}, Warnings: []policy.Reason{},
			Time: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC).Format(time.RFC3339),
		},
	}
}

func push(t *testing.T, reg *imagetest.Registry, repo string) name.Digest {
	t.Helper()
	d := imagetest.Push(t, reg.Ref(repo, ":v1"), imagetest.Image(t, imagetest.ImageOptions{}))
	ref, err := name.NewDigest(reg.Ref(repo, "@"+d.String()))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func attach(t *testing.T, s *Signer, at name.Digest, st policy.Statement) []byte {
	t.Helper()
	env, err := s.Sign(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Attach(context.Background(), at, env, st.PredicateType); err != nil {
		t.Fatal(err)
	}
	return env
}

func verify(t *testing.T, image string, pubs ...string) *Result {
	t.Helper()
	var keys []sign.Key
	for _, p := range pubs {
		k, err := sign.LoadKey(p)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	res, err := Verify(context.Background(), image, keys)
	if err != nil {
		t.Fatalf("verify %s: %v", image, err)
	}
	return res
}

func wantRefused(t *testing.T, res *Result, reason Reason, detail string) {
	t.Helper()
	if res.Verified || res.Reason != reason || !strings.Contains(res.Detail, detail) {
		t.Errorf("verified=%v reason=%q detail=%q; want refused for %q with %q", res.Verified, res.Reason, res.Detail, reason, detail)
	}
}

// TestAttestation: a signed decision attached to a digest verifies with
// its key, by tag or digest, and the real `cosign verify-attestation`
// accepts it; a new decision replaces the earlier one and keeps the
// attestations of other predicate types; another key, an altered
// statement, an attestation of another digest and no attestation are
// each refused with the reason, and cosign refuses the altered one too.
func TestAttestation(t *testing.T) {
	cosign := cosigntest.New(t)
	reg := imagetest.Start(t)
	priv, pub := keyPair(t)
	_, otherPub := keyPair(t)
	signer, err := LoadSigner(priv, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cosignVerify := func(image string) (string, error) {
		return cosign.Run(t.TempDir(), "verify-attestation", "--key", pub, "--type", policy.PredicateType, "--insecure-ignore-tlog=true", image)
	}

	app := push(t, reg, "team/app")
	// An attestation of another predicate type, which a decision keeps.
	sbom := statement(app, policy.Pass)
	sbom.PredicateType = "https://spdx.dev/Document"
	env, err := signer.Sign(ctx, sbom)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Attach(ctx, app, env, sbom.PredicateType); err != nil {
		t.Fatal(err)
	}
	attach(t, signer, app, statement(app, policy.Fail))
	attach(t, signer, app, statement(app, policy.Pass))

	res := verify(t, reg.Ref("team/app", ":v1"), otherPub, pub)
	if !res.Verified || res.Digest.String() != app.String() || len(res.Attestations) != 1 || res.Attestations[0].Key != pub {
		t.Fatalf("attested image: %+v", res)
	}
	if got := res.Statement.Predicate; got.Verdict != policy.Pass || got.Policy.Digest.SHA256 != strings.Repeat("ab", 32) {
		t.Errorf("attested decision: %+v", got)
	}
	img, err := remote.Image(Tag(app))
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Layers) != 2 || m.Layers[0].Annotations[AnnotationPredicateType] != sbom.PredicateType ||
		m.Layers[1].Annotations[AnnotationPredicateType] != policy.PredicateType || m.Layers[1].MediaType != LayerMediaType {
		t.Errorf("attestation manifest layers: %+v", m.Layers)
	}
	if out, err := cosignVerify(app.String()); err != nil {
		t.Errorf("cosign verify-attestation refuses kubestride's attestation: %v\n%s", err, out)
	} else {
		t.Logf("cosign verify-attestation:\n%s", out)
	}

	wantRefused(t, verify(t, app.String(), otherPub), BadSignature, "verifies with none of the given keys ("+otherPub+")")

	// The statement altered after signing: a failing verdict made to pass.
	failing := push(t, reg, "team/failing")
	env = attach(t, signer, failing, statement(failing, policy.Fail))
	var e struct {
		PayloadType string `json:"payloadType"`
		Payload     string `json:"payload"`
		Signatures  []any  `json:"signatures"`
	}
	if err := json.Unmarshal(env, &e); err != nil {
		t.Fatal(err)
	}
	payload, _ := base64.StdEncoding.DecodeString(e.Payload)
	altered := strings.Replace(string(payload), `"verdict": "fail"`, `"verdict": "pass"`, 1)
	if altered == string(payload) {
		t.Fatalf("the payload has no failing verdict to alter:\n%s", payload)
	}
	e.Payload = base64.StdEncoding.EncodeToString([]byte(altered))
	tampered, _ := json.Marshal(e)
	if _, err := Attach(ctx, failing, tampered, policy.PredicateType); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, verify(t, failing.String(), pub), BadSignature, "signed with another key, or altered")
	if out, err := cosignVerify(failing.String()); err == nil {
		t.Errorf("cosign verify-attestation accepts an altered attestation:\n%s", out)
	}

	// A genuine decision on app, attached to other.
	other := push(t, reg, "team/other")
	attach(t, signer, other, statement(app, policy.Pass))
	wantRefused(t, verify(t, other.String(), pub), OtherDigest, "the statement's subject is "+app.DigestStr()+", not "+other.DigestStr())

	wantRefused(t, verify(t, push(t, reg, "team/none").String(), pub), NoAttestation, "has no attestation of predicate type "+policy.PredicateType)

	reg.Close()
	if _, err := Verify(ctx, app.String(), []sign.Key{mustKey(t, pub)}); err == nil || !strings.Contains(err.Error(), reg.Host) {
		t.Errorf("closed registry: err = %v, want an error naming %s", err, reg.Host)
	}
}

func mustKey(t *testing.T, path string) sign.Key {
	t.Helper()
	k, err := sign.LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestLoadSigner: cosign's encrypted key opens with COSIGN_PASSWORD and
// signs what its cosign.pub verifies; a wrong or missing password, a
// public key and a file that is no PEM are refused with the reason.
func TestLoadSigner(t *testing.T) {
	cosign := cosigntest.New(t)
	priv, pub := cosign.KeyPair()
	pass := func(p string) Password { return func() ([]byte, error) { return []byte(p), nil } }

	s, err := LoadSigner(priv, pass(cosigntest.Password))
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != mustKey(t, pub).ID {
		t.Errorf("signer ID %s, cosign.pub's %s", s.ID, mustKey(t, pub).ID)
	}
	t.Setenv(PasswordEnv, cosigntest.Password)
	if _, err := LoadSigner(priv, PasswordFromEnv); err != nil {
		t.Errorf("password from %s: %v", PasswordEnv, err)
	}
	for _, c := range []struct {
		name, path string
		password   Password
		want       string
	}{
		{"wrong password", priv, pass("wrong"), "cannot decrypt it with the password given (COSIGN_PASSWORD)"},
		{"no password", priv, nil, "encrypted, and no password was given"},
		{"public key", pub, nil, "is a public key; signing takes the private key"},
		{"not PEM", writeFile(t, "junk"), nil, "no PEM block"},
		{"no file", filepath.Join(t.TempDir(), "absent.key"), nil, "no such file"},
	} {
		if _, err := LoadSigner(c.path, c.password); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	os.Unsetenv(PasswordEnv)
	if _, err := LoadSigner(priv, PasswordFromEnv); err == nil || !strings.Contains(err.Error(), "COSIGN_PASSWORD is not set") {
		t.Errorf("no COSIGN_PASSWORD: err = %v", err)
	}
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
