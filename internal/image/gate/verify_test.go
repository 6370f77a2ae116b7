package gate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/imagetest"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/sign"
	"github.com/kubestride/kubestride/internal/image/sign/cosigntest"
)

// TestSignatureVerifier: the policy's signature rule names cosign.pub; an
// image cosign signed with it passes, one signed with another key and an
// unsigned one fail with the reason, and a rule added for --key's keys
// names them by the policy's key ID. With no copy, the decision is
// attested on the image in its own repository.
func TestSignatureVerifier(t *testing.T) {
	cosign := cosigntest.New(t)
	reg := imagetest.Start(t)
	key, pub := cosign.KeyPair()
	otherKey, otherPub := cosign.KeyPair()
	dir := t.TempDir()
	polFile := filepath.Join(dir, "policy.yaml")
	text := fmt.Sprintf("apiVersion: kubestride.io/v1alpha1\nkind: ImagePolicy\nsignatures:\n- repositories: [%s/team/*]\n  keys: [{file: %s}]\n", reg.Host, pub)
	if err := os.WriteFile(polFile, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := policy.Load(polFile)
	if err != nil {
		t.Fatal(err)
	}
	client, err := image.NewClient(image.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	push := func(repo string) string {
		d := imagetest.Push(t, reg.Ref(repo, ":v1"), imagetest.Image(t, imagetest.ImageOptions{})).String()
		return reg.Ref(repo, "@"+d)
	}
	signed, other, unsigned := push("team/app"), push("team/other"), push("team/unsigned")
	cosign.Sign(key, signed)
	cosign.Sign(otherKey, other)

	var attestedAt image.Ref
	opts := Options{Client: client, Policy: p, Now: now, Verify: SignatureVerifier(),
		Attest: func(_ context.Context, st policy.Statement, at image.Ref) (string, error) {
			attestedAt = at
			return "attested", nil
		}}
	ctx := context.Background()
	res, err := Run(ctx, signed, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision.Verdict != policy.Pass || res.Attestation != "attested" || attestedAt.String() != signed {
		t.Errorf("signed: %s, reasons %v, not evaluated %v; attested at %s", res.Decision.Verdict, res.Decision.Reasons, res.Decision.NotEvaluated, attestedAt)
	}
	for img, want := range map[string]string{
		other:    "unknown key: the signature verifies with none of the given keys (" + pub + ")",
		unsigned: "(" + polFile + ":4): no signature found",
	} {
		res, err := Run(ctx, img, opts)
		if err != nil {
			t.Fatal(err)
		}
		if msg := reasons(res.Decision.Reasons); res.Decision.Verdict != policy.Fail || !strings.Contains(msg, want) {
			t.Errorf("%s: %s, reasons %q, want %q", img, res.Decision.Verdict, msg, want)
		}
	}

	// --key's rule: the other key, named by the policy's ID of it.
	k, err := sign.LoadKey(otherPub)
	if err != nil {
		t.Fatal(err)
	}
	rule, err := KeyRule(reg.Host+"/team/other", "--key", []sign.Key{k})
	if err != nil {
		t.Fatal(err)
	}
	p.Signatures = []policy.SignatureRule{rule}
	if res, err := Run(ctx, other, opts); err != nil || res.Decision.Verdict != policy.Pass {
		t.Errorf("other under --key's rule: %v, %+v", err, res)
	}
	if res, err := Run(ctx, signed, opts); err != nil || res.Decision.Verdict != policy.Pass {
		t.Errorf("a repository --key's rule does not name: %v, %+v", err, res)
	}
}
