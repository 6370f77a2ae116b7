package checks

import (
	"encoding/base64"
	"testing"
)

// wlConfigMap returns a ConfigMap named "app" in namespace shop with the
// given body (data and binaryData, unindented).
func wlConfigMap(body string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\n" + body
}

func TestSecretInConfigMap(t *testing.T) {
	const reason = "secrets in configmaps"
	wlRunCases(t, "secret-in-configmap", []wlCase{
		{
			name: "plain configuration",
			manifest: wlConfigMap(`data:
  LOG_LEVEL: debug
  DB_PASSWORD_FILE: /run/secrets/db/password
  ca.crt: |
    -----BEGIN CERTIFICATE-----
    MIIBszCCAVmgAwIBAgIUQ
    -----END CERTIFICATE-----
  application.properties: |
    server.port=8080
    spring.datasource.url=jdbc:postgresql://db:5432/ledger
    spring.datasource.password=${DB_PASSWORD}
binaryData:
  logo.png: ` + base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n")) + `
`),
		},
		{
			name: "secrets, in key order",
			manifest: wlConfigMap(`data:
  tls.key: |
` + wlIndent(wlSecretPEM, "    ") + `  DB_PASSWORD: "` + wlSecretPassword + `"
  application.properties: |
    server.port=8080
    spring.datasource.password=` + wlSecretPassword + `
  notes: "rotate ` + wlSecretAWSKeyID + ` monthly"
binaryData:
  keystore-password: ` + base64.StdEncoding.EncodeToString([]byte(wlSecretPassword)) + `
  logo.png: ` + base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n")) + `
`),
			want: []wlFinding{
				{
					Object: "ConfigMap/app", Path: "data.DB_PASSWORD", Reason: reason,
					Detail: `data key "DB_PASSWORD" must not hold a secret (password by name); move it to a Secret`,
				},
				{
					Object: "ConfigMap/app", Path: `data["application.properties"]`, Reason: reason,
					Detail: `data key "application.properties" must not hold a secret (password by name in "spring.datasource.password"); move it to a Secret`,
				},
				{
					Object: "ConfigMap/app", Path: "data.notes", Reason: reason,
					Detail: `data key "notes" must not hold a secret (AWS access key ID); move it to a Secret`,
				},
				{
					Object: "ConfigMap/app", Path: `data["tls.key"]`, Reason: reason,
					Detail: `data key "tls.key" must not hold a secret (PEM private key); move it to a Secret`,
				},
				{
					Object: "ConfigMap/app", Path: "binaryData.keystore-password", Reason: reason,
					Detail: `binaryData key "keystore-password" must not hold a secret (password by name); move it to a Secret`,
				},
			},
		},
	})
}
