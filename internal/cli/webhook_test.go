package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWebhookUsage: kubestride webhook refuses, with exit code 2 and a
// message naming the flag or file, what it cannot serve with.
func TestWebhookUsage(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "kubestride.yaml")
	if err := os.WriteFile(cfg, []byte("webhook:\n  defaults: {enforce: strict}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: \"https://127.0.0.1:1\"}}]\ncontexts: [{name: c, context: {cluster: c}}]\ncurrent-context: c\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.crt")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"webhook"}, "--tls-cert-file and --tls-private-key-file are required"},
		{[]string{"webhook", "--tls-cert-file", missing, "--tls-private-key-file", missing, "--log-format", "xml"}, `--log-format: "xml" is not json or text`},
		{[]string{"webhook", "--tls-cert-file", missing, "--tls-private-key-file", missing, "--config", cfg}, `webhook.defaults.enforce: no such policy "strict"`},
		{[]string{"webhook", "--tls-cert-file", missing, "--tls-private-key-file", missing, "--kubeconfig", kubeconfig}, "tls certificate: stat " + missing},
	} {
		_, stderr, code := run(t, "", tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
