package checks

import (
	"encoding/base64"
	"testing"
)

func TestSecretInConfigMap(t *testing.T) {
	const reason = "secrets in configmaps"
	runCases(t, "secret-in-configmap", []checkCase{
		{
			name: "plain configuration",
			manifest: configMap(`data:
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
			manifest: configMap(`data:
  tls.key: |
` + indent(wlSecretPEM, "    ") + `  DB_PASSWORD: "` + wlSecretPassword + `"
  application.properties: |
    server.port=8080
    spring.datasource.password=` + wlSecretPassword + `
  notes: "rotate ` + wlSecretAWSKeyID + ` monthly"
binaryData:
  keystore-password: ` + base64.StdEncoding.EncodeToString([]byte(wlSecretPassword)) + `
  logo.png: ` + base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n")) + `
`),
			want: []finding{
				{
					Object: "ConfigMap shop/app", Path: "data.DB_PASSWORD", Reason: reason,
					Detail: `data key "DB_PASSWORD" must not hold a secret (password by name); move it to a Secret`,
				},
				{
					Object: "ConfigMap shop/app", Path: `data["application.properties"]`, Reason: reason,
					Detail: `data key "application.properties" must not hold a secret (password by name in "spring.datasource.password"); move it to a Secret`,
				},
				{
					Object: "ConfigMap shop/app", Path: "data.notes", Reason: reason,
					Detail: `data key "notes" must not hold a secret (AWS access key ID); move it to a Secret`,
				},
				{
					Object: "ConfigMap shop/app", Path: `data["tls.key"]`, Reason: reason,
					Detail: `data key "tls.key" must not hold a secret (PEM private key); move it to a Secret`,
				},
				{
					Object: "ConfigMap shop/app", Path: "binaryData.keystore-password", Reason: reason,
					Detail: `binaryData key "keystore-password" must not hold a secret (password by name); move it to a Secret`,
				},
			},
		},
	})
}
