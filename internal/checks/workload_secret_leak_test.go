package checks

import (
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// TestSecretChecksNeverPrintValues runs secret-in-env and secret-in-configmap
// over manifests holding the test secrets and checks that no finding's
// detail, reason or path carries any of them, or any 6-byte piece of one.
func TestSecretChecksNeverPrintValues(t *testing.T) {
	var env, data strings.Builder
	for i, name := range []string{"DB_PASSWORD", "AWS_KEY", "GH", "DATABASE_URL", "SESSION_KEY", "PEM"} {
		v := wlSecretValues[i]
		if name == "PEM" {
			v = strings.ReplaceAll(wlSecretPEM, "\n", `\n`)
		}
		env.WriteString(`  - {name: ` + name + `, value: "` + v + `"}` + "\n")
		data.WriteString(`  ` + name + `: "` + v + `"` + "\n")
		data.WriteString(`  ` + strings.ToLower(name) + `.properties: "x=1\n` + name + `=` + v + `\n"` + "\n")
	}
	manifests := map[string]string{
		"secret-in-env":       deployment("containers:\n- name: app\n  image: app:1\n  env:\n" + env.String()),
		"secret-in-configmap": configMap("data:\n" + data.String()),
	}
	for id, manifest := range manifests {
		findings := runCheck(t, check.ID(id), manifest)
		if want := len(wlSecretValues); id == "secret-in-env" && len(findings) != want {
			t.Errorf("%s: got %d findings, want %d: %v", id, len(findings), want, findings)
		}
		if want := 2 * len(wlSecretValues); id == "secret-in-configmap" && len(findings) != want {
			t.Errorf("%s: got %d findings, want %d: %v", id, len(findings), want, findings)
		}
		for _, f := range findings {
			for _, secret := range wlSecretValues {
				for _, text := range []string{f.Detail, f.Reason, f.Path} {
					if piece, ok := wlSecretPiece(text, secret); ok {
						t.Errorf("%s: %q contains %q, a piece of a test secret", id, text, piece)
					}
				}
			}
		}
	}
}

// wlSecretPiece returns a 6-byte piece of secret that text contains.
func wlSecretPiece(text, secret string) (string, bool) {
	const n = 6
	for i := 0; i+n <= len(secret); i++ {
		if p := secret[i : i+n]; strings.Contains(text, p) {
			return p, true
		}
	}
	return "", false
}
