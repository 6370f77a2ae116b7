package checks

import "testing"

// Test secrets for the secret checks. They have the shape of real ones and
// are not real; they are built from parts so that no complete token sits in
// the source.
var (
	wlSecretPassword = "Tr0ub4dor-3x-ledger"
	wlSecretAWSKeyID = "AKIA" + "Z7QK3MV2WXPL4RTY"
	wlSecretGitHub   = "ghp_" + "R7fK2mQ9xV4bT1nL8sW3cZ6pH0jD5gY2aE9u"
	wlSecretDBURL    = "postgres://ledger:" + "Wq7zLp2mXv9n" + "@db.shop.svc:5432/ledger"
	wlSecretRandom   = "q8Zt2mW0xLr7VbN4pK1sYd3F"
	wlSecretPEMBody  = "MIIEowIBAAKCAQEA0Zk3mQ9xV4bT1nL8sW3cZ6pH0jD5gY2aE9uR7fK2mQ9x"
	wlSecretPEM      = "-----BEGIN " + "EC PRIVATE KEY-----\n" + wlSecretPEMBody + "\n-----END EC PRIVATE KEY-----\n"
	wlSecretValues   = []string{wlSecretPassword, wlSecretAWSKeyID, wlSecretGitHub, wlSecretDBURL, wlSecretRandom, wlSecretPEMBody}
)

func TestSecretInEnv(t *testing.T) {
	const reason = "literal secrets in env"
	runCases(t, "secret-in-env", []checkCase{
		{
			name: "references and harmless values",
			manifest: deployment(`containers:
- name: app
  image: app:1
  env:
  - {name: LOG_LEVEL, value: debug}
  - name: DB_PASSWORD
    valueFrom: {secretKeyRef: {name: ledger-db, key: password}}
  - {name: DB_PASSWORD_FILE, value: /run/secrets/db/password}
  - {name: DATABASE_URL, value: "postgres://ledger:$(DB_PASSWORD)@db:5432/ledger"}
  - {name: API_TOKEN, value: "$(API_TOKEN_FROM_SECRET)"}
  - {name: ADMIN_PASSWORD, value: ""}
  - {name: SMTP_PASSWORD, value: changeme}
  - {name: TOKEN_URL, value: "https://auth.shop.example/token"}
  - {name: ALLOW_EMPTY_PASSWORD, value: "yes"}
`),
		},
		{
			name: "secrets by name and by value",
			manifest: deployment(`initContainers:
- name: migrate
  image: migrate:1
  env:
  - {name: DATABASE_URL, value: "` + wlSecretDBURL + `"}
containers:
- name: app
  image: app:1
  env:
  - {name: LOG_LEVEL, value: debug}
  - {name: DB_PASSWORD, value: "` + wlSecretPassword + `"}
  - {name: AWS_ACCESS_KEY_ID, value: ` + wlSecretAWSKeyID + `}
  - {name: GIT_AUTH, value: ` + wlSecretGitHub + `}
  - {name: SIGNING_SALT, value: ` + wlSecretRandom + `}
`),
			want: []finding{
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.initContainers[0].env[0].value", Reason: reason,
					Detail: `init container "migrate" must not set env "DATABASE_URL" to a literal secret (URL with a password); use valueFrom.secretKeyRef`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].env[1].value", Reason: reason,
					Detail: `container "app" must not set env "DB_PASSWORD" to a literal secret (password by name); use valueFrom.secretKeyRef`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].env[2].value", Reason: reason,
					Detail: `container "app" must not set env "AWS_ACCESS_KEY_ID" to a literal secret (AWS access key ID); use valueFrom.secretKeyRef`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].env[3].value", Reason: reason,
					Detail: `container "app" must not set env "GIT_AUTH" to a literal secret (GitHub token); use valueFrom.secretKeyRef`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.containers[0].env[4].value", Reason: reason,
					Detail: `container "app" must not set env "SIGNING_SALT" to a literal secret (high-entropy value); use valueFrom.secretKeyRef`,
				},
			},
		},
		{
			name:     "ephemeral container",
			manifest: pod("containers: [{name: app, image: app:1}]\nephemeralContainers:\n- name: debugger\n  image: busybox:1.36\n  env: [{name: VAULT_TOKEN, value: \"" + wlSecretPassword + "\"}]"),
			want: []finding{{
				Object: "Pod shop/app", Path: "spec.ephemeralContainers[0].env[0].value", Reason: reason,
				Detail: `ephemeral container "debugger" must not set env "VAULT_TOKEN" to a literal secret (token by name); use valueFrom.secretKeyRef`,
			}},
		},
	})
}
