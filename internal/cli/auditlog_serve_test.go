package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAuditLogServeUsage(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "kubestride.yaml")
	if err := os.WriteFile(cfg, []byte("checks:\n  auditlog-secret-read: {severity: urgent}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.crt")
	certs := []string{"--tls-cert-file", missing, "--tls-private-key-file", missing}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"auditlog", "serve"}, "--tls-cert-file and --tls-private-key-file are required"},
		{append([]string{"auditlog", "serve", "--log-format", "xml"}, certs...), `--log-format: "xml" is not json or text`},
		{append([]string{"auditlog", "serve", "--interval", "0s"}, certs...), "--interval must be positive"},
		{append([]string{"auditlog", "serve", "--forbidden-threshold", "0"}, certs...), "--forbidden-threshold must be positive"},
		{append([]string{"auditlog", "serve", "--pss-version", "v2"}, certs...), "--pss-version"},
		{append([]string{"auditlog", "serve", "--config", cfg}, certs...), `unknown severity "urgent"`},
		{append([]string{"auditlog", "serve"}, certs...), "tls certificate: stat " + missing},
	} {
		_, stderr, code := run(t, "", tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
