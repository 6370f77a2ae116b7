package secretscan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Test secrets. They have the shape of real ones and are not real; they are
// built from parts so that no complete token sits in the source.
var (
	awsKeyID    = "AKIA" + "Z7QK3MV2WXPL4RTY"
	githubPAT   = "ghp_" + "R7fK2mQ9xV4bT1nL8sW3cZ6pH0jD5gY2aE9u"
	githubFine  = "github_pat_" + "11AB2CDEF0abcdefGHIJKL_mnopQRSTuvwx12345678yzABCDEFghij"
	gitlabPAT   = "glpat-" + "Xy7Kq2Lm9Pn4Rs8Tv1Wz"
	slackBot    = "xoxb-" + "1234567890-0987654321-Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op"
	slackHook   = "https://hooks.slack.com/services/" + "T01AB2CD3EF/B04GH5IJ6KL/q8Zt2mW0xLr7VbN4pK1sYd3F"
	googleKey   = "AIza" + "SyB3k9Xq2Lm7Vn4Rt8Wz1Pq6Hs0Jd5Gc2Fe"
	stripeKey   = "sk_live_" + "51H8xKq2Lm9Vn4Rt8Wz1Pq6Hs"
	jwtToken    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "." + "eyJzdWIiOiJzZXJ2aWNlIiwiaWF0IjoxNzAwMDAwMDAwfQ" + "." + "Zk3mQ9xV4bT1nL8sW3cZ6pH0jD5gY2aE9uR7fK2mQ9x"
	pemKey      = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Zk3mQ9xV4bT1nL8sW3cZ6pH0jD5gY2aE9uR7fK2mQ9x\n-----END RSA PRIVATE KEY-----\n"
	opensshKey  = "-----BEGIN " + "OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----"
	pgpKey      = "-----BEGIN " + "PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0Zk3mQ9xV4bT1nL8sW3cZ6pH0jD5gY2aE9uR7fK2m\n-----END PGP PRIVATE KEY BLOCK-----"
	dbURL       = "postgres://ledger:" + "Tr0ub4dor-3x@db.payments.svc:5432/ledger?sslmode=require"
	randomKey   = "q8Zt2mW0xLr7VbN4pK1sYd3F"
	hexKey      = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	plainPasswd = "Tr0ub4dor-3x"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name, key, value string
		want             Match
		wantOK           bool
	}{
		// By name.
		{"password", "DB_PASSWORD", plainPasswd, Match{Kind: Password}, true},
		{"camel case password", "dbPassword", plainPasswd, Match{Kind: Password}, true},
		{"dotted password", "spring.datasource.password", plainPasswd, Match{Kind: Password}, true},
		{"kebab password", "db-password", plainPasswd, Match{Kind: Password}, true},
		{"password with digit", "PASSWORD2", plainPasswd, Match{Kind: Password}, true},
		{"passwd", "MYSQL_ROOT_PASSWD", plainPasswd, Match{Kind: Password}, true},
		{"pass", "REDIS_PASS", plainPasswd, Match{Kind: Password}, true},
		{"pwd", "PGPWD", plainPasswd, Match{}, false},
		{"joined password", "rootpassword", plainPasswd, Match{Kind: Password}, true},
		{"passphrase", "GPG_PASSPHRASE", plainPasswd, Match{Kind: Password}, true},
		{"numeric password", "REDIS_PASSWORD", "123456", Match{Kind: Password}, true},
		{"client secret", "OIDC_CLIENT_SECRET", plainPasswd, Match{Kind: Secret}, true},
		{"joined secret", "clientSecret", plainPasswd, Match{Kind: Secret}, true},
		{"token", "GITLAB_RUNNER_TOKEN", plainPasswd, Match{Kind: Token}, true},
		{"api key", "STRIPE_API_KEY", plainPasswd, Match{Kind: APIKey}, true},
		{"apiKey camel", "apiKey", plainPasswd, Match{Kind: APIKey}, true},
		{"APIKey acronym", "APIKey", plainPasswd, Match{Kind: APIKey}, true},
		{"apikey joined", "apikey", plainPasswd, Match{Kind: APIKey}, true},
		{"aws secret access key", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", Match{}, false},
		{"access key", "MINIO_ACCESS_KEY", plainPasswd, Match{Kind: AccessKey}, true},
		{"private key", "PRIVATE_KEY", plainPasswd, Match{Kind: PrivateKey}, true},
		{"secret key base", "SECRET_KEY_BASE", hexKey, Match{Kind: SecretKey}, true},
		{"encryption key", "ENCRYPTION_KEY", plainPasswd, Match{Kind: SecretKey}, true},
		{"credentials", "REGISTRY_CREDENTIALS", plainPasswd, Match{Kind: Credentials}, true},
		{"qualifier b64", "DB_PASSWORD_B64", "VHIwdWI0ZG9yLTN4", Match{Kind: Password}, true},
		{"file name", "password.txt", plainPasswd, Match{Kind: Password}, true},
		{"credentials file", "credentials.json", `{"user": "ledger", "pass": "` + plainPasswd + `"}`, Match{Kind: Password, Key: "pass"}, true},
		{"password file with newline", "password", plainPasswd + "\n", Match{Kind: Password}, true},

		// Names that only hint at a secret need a random-looking value.
		{"weak key random", "STRIPE_KEY", randomKey, Match{Kind: HighEntropy}, true},
		{"weak key hex", "KEY", hexKey, Match{Kind: HighEntropy}, true},
		{"weak salt random", "HASH_SALT", randomKey, Match{Kind: HighEntropy}, true},
		{"weak key word", "CACHE_KEY", "user-sessions", Match{}, false},
		{"weak key identifier", "PARTITION_KEY", "production-database-01", Match{}, false},
		{"weak key short", "LICENSE_KEY", "ab12cd34", Match{}, false},
		{"public key", "PUBLIC_KEY", randomKey, Match{}, false},

		// By value, whatever the name.
		{"aws key id", "AWS_ACCESS_KEY_ID", awsKeyID, Match{Kind: AWSAccessKeyID}, true},
		{"aws key id in text", "NOTES", "creds " + awsKeyID + ", rotate monthly", Match{Kind: AWSAccessKeyID}, true},
		{"github pat", "GH", githubPAT, Match{Kind: GitHubToken}, true},
		{"github fine-grained", "GH", githubFine, Match{Kind: GitHubToken}, true},
		{"gitlab pat", "CI", gitlabPAT, Match{Kind: GitLabToken}, true},
		{"slack bot", "SLACK", slackBot, Match{Kind: SlackToken}, true},
		{"slack webhook", "NOTIFY_URL", slackHook, Match{Kind: SlackWebhook}, true},
		{"google api key", "MAPS", googleKey, Match{Kind: GoogleAPIKey}, true},
		{"stripe key", "BILLING", stripeKey, Match{Kind: StripeKey}, true},
		{"jwt", "BEARER", jwtToken, Match{Kind: JWT}, true},
		{"jwt after bearer", "HEADER", "Authorization: Bearer " + jwtToken, Match{Kind: JWT}, true},
		{"pem rsa", "tls.key", pemKey, Match{Kind: PEMPrivateKey}, true},
		{"pem openssh", "id_ed25519", opensshKey, Match{Kind: PEMPrivateKey}, true},
		{"pem pgp", "signing.asc", pgpKey, Match{Kind: PEMPrivateKey}, true},
		{"pem json escaped", "sa.json", `{"private_key": "` + strings.ReplaceAll(pemKey, "\n", `\n`) + `"}`, Match{Kind: PEMPrivateKey}, true},
		{"url with password", "DATABASE_URL", dbURL, Match{Kind: URLCredentials}, true},
		{"redis url empty user", "REDIS_URL", "redis://:" + plainPasswd + "@cache:6379/0", Match{Kind: URLCredentials}, true},
		{"token in json escape", "config.json", `{"a":"x\n` + githubPAT + `"}`, Match{Kind: GitHubToken}, true},

		// Settings inside a configuration file.
		{"properties", "application.properties", "server.port=8080\nspring.datasource.password=" + plainPasswd + "\n", Match{Kind: Password, Key: "spring.datasource.password"}, true},
		{"yaml", "config.yaml", "db:\n  host: db\n  password: \"" + plainPasswd + "\"\n", Match{Kind: Password, Key: "password"}, true},
		{"minified json", "config.json", `{"db":{"host":"db","password":"` + plainPasswd + `"}}`, Match{Kind: Password, Key: "password"}, true},
		{"json lines", "config.json", "{\n  \"clientSecret\": \"" + plainPasswd + "\",\n}", Match{Kind: Secret, Key: "clientSecret"}, true},
		{"dotenv export", "app.env", "export API_TOKEN=" + plainPasswd + "\n", Match{Kind: Token, Key: "API_TOKEN"}, true},
		{"flag", "args", "--verbose\n--db-password=" + plainPasswd + "\n", Match{Kind: Password, Key: "--db-password"}, true},
		{"file weak key random", "app.ini", "[app]\nsigning_salt = " + randomKey + "\n", Match{Kind: HighEntropy, Key: "signing_salt"}, true},

		// Not secrets: names.
		{"password file", "DB_PASSWORD_FILE", "/run/secrets/db", Match{}, false},
		{"password path", "PASSWORD_PATH", plainPasswd, Match{}, false},
		{"token url", "TOKEN_URL", "https://auth.example.com/token", Match{}, false},
		{"secret name", "DB_SECRET_NAME", "ledger-db", Match{}, false},
		{"secret ref", "SECRET_REF", "ledger-db", Match{}, false},
		{"existing secret", "existingSecret", "ledger-db", Match{}, false},
		{"tls secret", "TLS_SECRET", "ledger-tls", Match{}, false},
		{"password policy", "PASSWORD_MIN_LENGTH", "12", Match{}, false},
		{"token ttl", "TOKEN_TTL", "3600", Match{}, false},
		{"max tokens", "MAX_TOKENS", "4096", Match{}, false},
		{"key id", "KMS_KEY_ID", "1234abcd-12ab-34cd-56ef-1234567890ab", Match{}, false},
		{"bypass", "BYPASS", plainPasswd, Match{}, false},
		{"tokenizer", "TOKENIZER", "cl100k", Match{}, false},
		{"plain name", "LOG_LEVEL", "debug", Match{}, false},
		{"empty name", "", plainPasswd, Match{}, false},

		// Not secrets: values under a secret name.
		{"empty", "DB_PASSWORD", "", Match{}, false},
		{"blank", "DB_PASSWORD", "   ", Match{}, false},
		{"k8s reference", "DB_PASSWORD", "$(DB_PASSWORD_FROM_SECRET)", Match{}, false},
		{"shell reference", "DB_PASSWORD", "${DB_PASSWORD}", Match{}, false},
		{"bare shell reference", "DB_PASSWORD", "$DB_PASSWORD", Match{}, false},
		{"template", "DB_PASSWORD", "{{ .Values.db.password }}", Match{}, false},
		{"argo cd reference", "clientSecret", "$oidc.keycloak.clientSecret", Match{}, false},
		{"argo cd secret key reference", "clientSecret", "$argocd-oidc:clientSecret", Match{}, false},
		{"jasypt", "spring.datasource.password", "ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)", Match{}, false},
		{"vault reference", "DB_PASSWORD", "vault:secret/data/ledger#password", Match{}, false},
		{"changeme", "DB_PASSWORD", "changeme", Match{}, false},
		{"angle placeholder", "API_TOKEN", "<your-token>", Match{}, false},
		{"your placeholder", "API_KEY", "your-api-key-here", Match{}, false},
		{"redacted", "API_KEY", "[REDACTED]", Match{}, false},
		{"stars", "API_KEY", "********", Match{}, false},
		{"xs", "API_KEY", "xxxxxxxxxxxx", Match{}, false},
		{"boolean", "ALLOW_EMPTY_PASSWORD", "yes", Match{}, false},
		{"quoted boolean", "SKIP_PASSWORD", `"true"`, Match{}, false},
		{"path", "ADMIN_TOKEN", "/var/run/secrets/tokens/admin", Match{}, false},
		{"https url", "CLIENT_SECRET", "https://vault.internal/v1/secret/ledger", Match{}, false},

		// Not secrets: values.
		{"aws example key", "AWS_ACCESS_KEY_ID", "AKIA" + "IOSFODNN7EXAMPLE", Match{}, false},
		{"aws too long", "ID", "AKIA" + "Z7QK3MV2WXPL4RTYQ", Match{}, false},
		{"github placeholder", "GH", "ghp_" + strings.Repeat("x", 36), Match{}, false},
		{"github short", "GH", "ghp_abc", Match{}, false},
		{"slack short", "S", "xoxb-123", Match{}, false},
		{"jwt header only", "J", "eyJhbGciOiJIUzI1NiJ9", Match{}, false},
		{"url without password", "DATABASE_URL", "postgres://ledger@db:5432/ledger", Match{}, false},
		{"url with reference password", "DATABASE_URL", "postgres://ledger:$(DB_PASSWORD)@db:5432/ledger", Match{}, false},
		{"url with placeholder password", "DATABASE_URL", "postgres://user:password@db:5432/ledger", Match{}, false},
		{"url port only", "HTTP", "http://db:5432/x@y", Match{}, false},
		{"pem certificate", "ca.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", Match{}, false},
		{"pem public key", "key.pub", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", Match{}, false},
		{"config without secrets", "nginx.conf", "server {\n  listen 80;\n  server_name ledger;\n}\n", Match{}, false},
		{"config with reference", "app.env", "DB_PASSWORD=${DB_PASSWORD}\nTOKEN_FILE=/run/token\n", Match{}, false},
		{"yaml parent", "config.yaml", "password:\n  file: /run/pw\n", Match{}, false},
		{"yaml block", "config.yaml", "token: |\n  ${TOKEN}\n", Match{}, false},
		{"base64 blob", "logo.svg", strings.Repeat("PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciPjwvc3ZnPg+/", 20), Match{}, false},
		{"document under a secret name", "secrets.yaml", "db:\n  host: db.payments.svc\n  port: 5432\n", Match{}, false},
		{"external account credentials", "credentials.json", `{"type":"external_account","audience":"//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q","credential_source":{"file":"/var/run/service-account/token"}}`, Match{}, false},
		{"json with escaped quote", "config.json", `{"note": "say \"hi\"", "level": "debug"}`, Match{}, false},
		{"sentence with key", "README", "Set the API key in the console, then restart.", Match{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Classify(tc.key, tc.value)
			if ok != tc.wantOK {
				t.Errorf("Classify(%q, …) ok = %v, want %v (match %v)", tc.key, ok, tc.wantOK, got)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Classify(%q, …) mismatch (-want +got):\n%s", tc.key, diff)
			}
		})
	}
}

func TestClassifyName(t *testing.T) {
	tests := []struct {
		name, key string
		want      Match
		wantOK    bool
	}{
		{"password", "db-password", Match{Kind: Password}, true},
		{"keystore password", "keystore.password", Match{Kind: Password}, true},
		{"token file", "token.txt", Match{Kind: Token}, true},
		{"private key", "private_key.bin", Match{}, false},
		{"ssh key", "ssh-key", Match{Kind: PrivateKey}, true},
		{"weak key", "signing.salt", Match{}, false},
		{"image", "logo.png", Match{}, false},
		{"password file path", "password-file", Match{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ClassifyName(tc.key)
			if ok != tc.wantOK {
				t.Errorf("ClassifyName(%q) ok = %v, want %v", tc.key, ok, tc.wantOK)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ClassifyName(%q) mismatch (-want +got):\n%s", tc.key, diff)
			}
		})
	}
}

func TestMatchString(t *testing.T) {
	tests := []struct {
		m    Match
		want string
	}{
		{Match{Kind: Password}, "password by name"},
		{Match{Kind: AWSAccessKeyID}, "AWS access key ID"},
		{Match{Kind: Secret, Key: "client.secret"}, `secret by name in "client.secret"`},
		{Match{Kind: HighEntropy}, "high-entropy value"},
	}
	for _, tc := range tests {
		if got := tc.m.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.m, got, tc.want)
		}
	}
	for k := Kind(0); k <= endKinds; k++ {
		if k.Valid() != (k.String() != "" && !strings.HasPrefix(k.String(), "kind(")) {
			t.Errorf("Kind(%d): Valid() = %v but String() = %q", int(k), k.Valid(), k.String())
		}
		if k.ByName() && !k.Valid() {
			t.Errorf("Kind(%d): ByName but not valid", int(k))
		}
	}
}

// TestMatchHoldsNoValue checks that no description of a match repeats the
// secret it found, or any 6-byte piece of it.
func TestMatchHoldsNoValue(t *testing.T) {
	secrets := []string{awsKeyID, githubPAT, githubFine, gitlabPAT, slackBot, slackHook, googleKey, stripeKey, jwtToken, pemKey, opensshKey, pgpKey, dbURL, randomKey, hexKey, plainPasswd}
	names := []string{"DB_PASSWORD", "API_KEY", "KEY", "config.properties", "NOTES"}
	for i, s := range secrets {
		found := 0
		for _, name := range names {
			for _, value := range []string{s, "x=1\npassword=" + s + "\n"} {
				if m, ok := Classify(name, value); ok {
					found++
					assertNoPiece(t, m.String(), s)
				}
			}
		}
		if found == 0 {
			t.Errorf("secret %d was never found", i)
		}
	}
}

func assertNoPiece(t *testing.T, text, secret string) {
	t.Helper()
	const piece = 6
	for i := 0; i+piece <= len(secret); i++ {
		p := secret[i : i+piece]
		if !hasAlnum(p) || strings.ContainsAny(p, "-\n") {
			continue // armour and separators, not secret material
		}
		if strings.Contains(text, p) {
			t.Errorf("%q contains %q, a piece of the secret", text, p)
			return
		}
	}
}

func TestLooksRandom(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{randomKey, true},
		{hexKey, true},
		{"1234abcd-12ab-34cd-56ef-1234567890ab", true},
		{"production-database-01", false},
		{"MySecretKeyForProduction", false},
		{"aaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"q8Zt2mW0xLr7", false}, // too short
		{"q8Zt2mW0 xLr7VbN4pK1sYd3F", false},
	}
	for _, tc := range tests {
		if got := looksRandom(tc.v); got != tc.want {
			t.Errorf("looksRandom(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	config := strings.Repeat("server.port=8080\nlogging.level.root=INFO\nspring.datasource.url=jdbc:postgresql://db:5432/app\n", 200)
	env := [][2]string{
		{"LOG_LEVEL", "debug"}, {"DB_HOST", "db.payments.svc"}, {"DB_PASSWORD", "$(DB_PASSWORD)"},
		{"JAVA_OPTS", "-Xmx512m -XX:+UseG1GC"}, {"API_KEY", plainPasswd}, {"FEATURE_FLAGS", "a,b,c"},
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range env {
			Classify(e[0], e[1])
		}
		Classify("application.properties", config)
	}
}
