package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/image/imagetest"
	"github.com/kubestride/kubestride/internal/image/sign"
	"github.com/kubestride/kubestride/internal/image/sign/cosigntest"
	"github.com/kubestride/kubestride/internal/report"
)

// TestImageVerify runs `kubestride image verify` on images the real cosign
// signed in a registry on loopback.
func TestImageVerify(t *testing.T) {
	cosign := cosigntest.New(t)
	reg := imagetest.Start(t)
	key, pub := cosign.KeyPair()
	otherKey, otherPub := cosign.KeyPair()
	tag := reg.Ref("team/app", ":v1")
	d := imagetest.Push(t, tag, imagetest.Image(t, imagetest.ImageOptions{}))
	cosign.Sign(key, reg.Ref("team/app", "@"+d.String()))
	unsigned := reg.Ref("team/unsigned", ":v1")
	imagetest.Push(t, unsigned, imagetest.Image(t, imagetest.ImageOptions{}))

	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"verified", []string{tag, "--key", otherPub, "--key", pub}, report.ExitOK,
			[]string{"VERIFIED  " + reg.Ref("team/app", "@"+d.String()), "  ok       sig-tag " + reg.Ref("team/app", ":sha256-"+d.Hex+".sig") + " layer 0: key " + pub}, ""},
		{"another key", []string{tag, "--key", otherPub}, report.ExitFindings,
			[]string{"REFUSED   " + reg.Ref("team/app", "@"+d.String()) + ": unknown key: the signature verifies with none of the given keys (" + otherPub + ")"}, ""},
		{"unsigned", []string{unsigned, "--key", pub}, report.ExitFindings, []string{": no signature: "}, ""},
		{"unreachable registry", []string{"127.0.0.1:1/team/app:v1", "--key", pub}, report.ExitError, nil, "kubestride: 127.0.0.1:1/team/app:v1: could not be verified: resolve"},
		{"no key", []string{tag}, report.ExitError, nil, "give --key, or --trusted-root"},
		{"a private key", []string{tag, "--key", otherKey}, report.ExitError, nil, "is a private key"},
		{"identity without root", []string{tag, "--certificate-identity", "a@b", "--certificate-oidc-issuer", "https://i"}, report.ExitError, nil, "need --trusted-root"},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := run(t, "", append([]string{"image", "verify"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout, stderr)
			}
			for _, want := range c.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if c.stdout == nil && stdout != "" {
				t.Errorf("stdout: %s", stdout)
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, stderr)
			}
		})
	}

	t.Run("json", func(t *testing.T) {
		stdout, _, code := run(t, "", "image", "verify", tag, "--key", pub, "-f", "json")
		var res sign.Result
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		if code != 0 || !res.Verified || res.Digest.DigestStr() != d.String() || len(res.Signatures) != 1 || res.Signatures[0].Key != pub {
			t.Errorf("exit %d: %+v", code, res)
		}
	})
}
