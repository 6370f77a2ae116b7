package inventory

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/object"
)

// jwt returns an unsigned token with the given header and claims.
func jwt(header, claims any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(claims) + ".c2ln"
}

func TestTokenPushScopes(t *testing.T) {
	alg := map[string]string{"alg": "ES256"}
	access := func(entries ...map[string]any) map[string]any { return map[string]any{"access": entries} }
	repo := func(name string, actions ...string) map[string]any {
		return map[string]any{"type": "repository", "name": name, "actions": actions}
	}
	for _, tc := range []struct {
		name string
		tok  string
		want []string
	}{
		{"pull only", jwt(alg, access(repo("team/app", "pull"))), nil},
		{"pull and push", jwt(alg, access(repo("team/app", "pull", "push"), repo("team/base", "pull"))), []string{"team/app"}},
		{"every action", jwt(alg, access(repo("team/app", "*"))), []string{"team/app"}},
		{"the registry", jwt(alg, access(map[string]any{"type": "registry", "name": "catalog", "actions": []string{"*"}})), []string{"*"}},
		{"another resource type", jwt(alg, access(map[string]any{"type": "plugin", "name": "x", "actions": []string{"push"}})), nil},
		{"oauth scope", jwt(alg, map[string]any{"scope": "repository:team/app:pull repository:team/web:pull,push"}), []string{"team/web"}},
		{"oauth scope, name with a port", jwt(alg, map[string]any{"scope": "repository:host:5000/team/app:push"}), []string{"host:5000/team/app"}},
		{"oauth scope, malformed", jwt(alg, map[string]any{"scope": "repository push"}), nil},
		{"no alg: not a JWT", jwt(map[string]string{"typ": "JWT"}, access(repo("team/app", "push"))), nil},
		{"claims of the wrong type", jwt(alg, map[string]any{"access": "push"}), nil},
		{"dotted password", "pass.word.1", nil},
		{"not base64", "e30.!!.x", nil},
		{"too long", jwt(alg, access(repo(strings.Repeat("a", maxTokenLen), "push"))), nil},
		{"empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tokenPushScopes(tc.tok); !slices.Equal(got, tc.want) {
				t.Errorf("tokenPushScopes = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRegistryCredentialsPush: the push scopes of every place a Docker
// config entry holds a token, and their survival in a Secret's summary,
// which drops its data.
func TestRegistryCredentialsPush(t *testing.T) {
	push := jwt(map[string]string{"alg": "RS256"}, map[string]any{"access": []map[string]any{{"type": "repository", "name": "team/app", "actions": []string{"pull", "push"}}}})
	auth := base64.StdEncoding.EncodeToString([]byte("token:" + push))
	cfg := `{"auths":{"a.example.com":{"registrytoken":"` + push + `"},"b.example.com":{"identitytoken":"` + push + `"},"c.example.com":{"auth":"` + auth + `"},"d.example.com":{"username":"u","password":"` + push + `"},"e.example.com":{"username":"u","password":"p"}}}`
	s := &corev1.Secret{Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{corev1.DockerConfigJsonKey: []byte(cfg)}}
	s.Name, s.Namespace = "pull", "team"
	check := func(what string, creds []RegistryCredential) {
		t.Helper()
		var got []string
		for _, c := range creds {
			got = append(got, c.Server+"="+strings.Join(c.Push, ","))
		}
		want := []string{"a.example.com=team/app", "b.example.com=team/app", "c.example.com=team/app", "d.example.com=team/app", "e.example.com="}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
	check("whole", RegistryCredentials(s))
	obj := &object.Object{APIVersion: "v1", Kind: "Secret", Typed: s, Meta: &s.ObjectMeta}
	summarizeSecret(obj, s)
	kept := obj.Typed.(*corev1.Secret)
	if len(kept.Data) != 0 {
		t.Fatalf("the summary keeps the data")
	}
	check("summary", RegistryCredentials(kept))
}

// FuzzRegistryCredentials: any Docker config, with tokens of any shape,
// gives sorted credentials, each server once per fingerprint, and push
// scopes sorted, distinct and non-empty, without panicking.
func FuzzRegistryCredentials(f *testing.F) {
	push := jwt(map[string]string{"alg": "RS256"}, map[string]any{"access": []map[string]any{{"type": "repository", "name": "team/app", "actions": []string{"push"}}}, "scope": "repository:a:push registry:catalog:*"})
	f.Add(`{"auths":{"r.example.com":{"registrytoken":"` + push + `"}}}`)
	f.Add(`{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"},"x":{"identitytoken":"a.b.c"}}}`)
	f.Add(`{"auths":{"r":{"password":"e30.e30.e30"}}}`)
	f.Add(`{"auths":null}`)
	f.Fuzz(func(t *testing.T, cfg string) {
		s := &corev1.Secret{Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{corev1.DockerConfigJsonKey: []byte(cfg)}}
		creds := RegistryCredentials(s)
		for i, c := range creds {
			if i > 0 && creds[i-1].Server > c.Server {
				t.Fatalf("not sorted: %q before %q", creds[i-1].Server, c.Server)
			}
			if !slices.IsSorted(c.Push) || len(slices.Compact(slices.Clone(c.Push))) != len(c.Push) || slices.Contains(c.Push, "") {
				t.Fatalf("push scopes %q", c.Push)
			}
		}
	})
}
