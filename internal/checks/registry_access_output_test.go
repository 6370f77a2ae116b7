package checks_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	_ "github.com/kubestride/kubestride/internal/checks"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scan"
	"github.com/kubestride/kubestride/internal/source"
)

// TestRegistryCredentialsNeverPrinted scans pull secrets that the
// registry-access checks report, whole and streaming (where the summaries
// keep a fingerprint of each credential), and renders the report in every
// format: neither the credential, in any encoding, nor its fingerprint may
// appear.
func TestRegistryCredentialsNeverPrinted(t *testing.T) {
	const user, password = "robot-ci", "Qx7-never-print-me-9090"
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	config := `{"auths": {"ghcr.io": {"auth": "` + auth + `"}}}`
	var docs []string
	for _, ns := range []string{"a", "b", "c"} {
		docs = append(docs, `apiVersion: v1
kind: Secret
metadata: {name: regcred, namespace: `+ns+`}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: `+base64.StdEncoding.EncodeToString([]byte(config))+`
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: `+ns+`}
imagePullSecrets: [{name: regcred}]
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: `+ns+`}
spec:
  containers: [{name: app, image: "quay.io/acme/app:1"}]
`)
	}
	file := filepath.Join(t.TempDir(), "secrets.yaml")
	if err := os.WriteFile(file, []byte(strings.Join(docs, "---\n")), 0o600); err != nil {
		t.Fatal(err)
	}

	secret := &corev1.Secret{Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{corev1.DockerConfigJsonKey: []byte(config)}}
	creds := inventory.RegistryCredentials(secret)
	if len(creds) != 1 || creds[0].Server != "ghcr.io" || len(creds[0].Fingerprint) != 64 {
		t.Fatalf("RegistryCredentials = %+v, want one for ghcr.io with a SHA-256 fingerprint", creds)
	}
	forbidden := []string{password, auth, base64.StdEncoding.EncodeToString([]byte(config)), creds[0].Fingerprint, creds[0].Fingerprint[:12]}

	opts := scan.Options{Check: check.Options{PSS: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}}}
	whole := inventory.New()
	errs := source.Load(context.Background(), []string{file}, nil, whole.Add)
	reports := map[string]*report.Report{"whole": scan.Run(context.Background(), whole, errs, opts)}
	s := scan.New(opts)
	errs = source.Stream(context.Background(), []string{file}, source.Options{},
		func(o *object.Object) *scan.Local { return s.CheckLocal(context.Background(), o) },
		func(o *object.Object, local *scan.Local) { s.Add(context.Background(), o, local) })
	reports["streaming"] = s.Report(context.Background(), errs)

	for name, r := range reports {
		ids := map[check.ID]int{}
		for _, f := range r.Findings {
			ids[f.ID]++
		}
		if ids["registry-credential-shared"] != 3 || ids["service-account-pull-secret-unused"] != 3 {
			t.Errorf("%s: %d registry-credential-shared and %d service-account-pull-secret-unused findings, want 3 each", name,
				ids["registry-credential-shared"], ids["service-account-pull-secret-unused"])
		}
		for _, format := range report.Formats() {
			var out bytes.Buffer
			if err := report.Render(&out, format, r, report.Options{}); err != nil {
				t.Fatalf("%s: render %s: %v", name, format, err)
			}
			for _, bad := range forbidden {
				if strings.Contains(out.String(), bad) {
					t.Errorf("%s scan, format %s: the output holds %q, part of the credential or its fingerprint", name, format, bad)
				}
			}
		}
	}
}
