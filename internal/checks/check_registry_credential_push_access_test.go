package checks

import (
	"encoding/base64"
	"encoding/json"
	"testing"
)

func TestRegistryCredentialPushAccess(t *testing.T) {
	token := func(claims map[string]any) string {
		enc := func(v any) string {
			b, _ := json.Marshal(v)
			return base64.RawURLEncoding.EncodeToString(b)
		}
		return enc(map[string]string{"alg": "RS256"}) + "." + enc(claims) + ".c2ln"
	}
	access := func(actions []string, repos ...string) map[string]any {
		var entries []map[string]any
		for _, r := range repos {
			entries = append(entries, map[string]any{"type": "repository", "name": r, "actions": actions})
		}
		return map[string]any{"access": entries}
	}
	secret := func(typ, key, cfg string) string {
		return "---\napiVersion: v1\nkind: Secret\nmetadata: {name: pull, namespace: team}\ntype: " + typ + "\ndata: {" + key + ": " + base64.StdEncoding.EncodeToString([]byte(cfg)) + "}\n"
	}
	dockerconfigjson := func(entry string) string {
		return secret("kubernetes.io/dockerconfigjson", ".dockerconfigjson", `{"auths":{"registry.example.com":`+entry+`}}`)
	}
	push := func(path, what string) finding {
		return finding{Object: "Secret team/pull", Path: path, Reason: "pull secret can push",
			Detail: `secret "pull" must hold a pull-only credential for registry "registry.example.com", but its registry token grants push on ` + what}
	}
	const jsonPath = `data[".dockerconfigjson"]`
	runCases(t, "registry-credential-push-access", []checkCase{{
		name:     "several repositories",
		manifest: dockerconfigjson(`{"registrytoken":"` + token(access([]string{"pull", "push"}, "team/web", "team/app")) + `"}`),
		want:     []finding{push(jsonPath, `repositories "team/app", "team/web"`)},
	}, {
		name:     "the whole registry",
		manifest: dockerconfigjson(`{"identitytoken":"` + token(map[string]any{"access": []map[string]any{{"type": "registry", "name": "catalog", "actions": []string{"*"}}}}) + `"}`),
		want:     []finding{push(jsonPath, "every repository")},
	}, {
		name:     "the legacy .dockercfg",
		manifest: secret("kubernetes.io/dockercfg", ".dockercfg", `{"registry.example.com":{"password":"`+token(access([]string{"push"}, "team/app"))+`"}}`),
		want:     []finding{push(`data[".dockercfg"]`, `repository "team/app"`)},
	}, {
		name:     "pull only",
		manifest: dockerconfigjson(`{"registrytoken":"` + token(access([]string{"pull"}, "team/app")) + `"}`),
	}, {
		name:     "an Opaque Secret is no pull secret",
		manifest: secret("Opaque", ".dockerconfigjson", `{"auths":{"registry.example.com":{"registrytoken":"`+token(access([]string{"push"}, "team/app"))+`"}}}`),
	}})
}
