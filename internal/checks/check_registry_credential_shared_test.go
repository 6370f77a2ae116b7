package checks

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// Test registry credentials: never to appear in any output.
const (
	regUser     = "robot$ci"
	regPassword = "Zq8-registry-pw-4411"
)

// dockerConfigJSON returns a .dockerconfigjson with a credential for each
// server, built from user and password.
func dockerConfigJSON(user, password string, servers ...string) string {
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	var entries []string
	for _, s := range servers {
		entries = append(entries, fmt.Sprintf(`%q: {"auth": %q}`, s, auth))
	}
	return `{"auths": {` + strings.Join(entries, ", ") + `}}`
}

// pullSecret returns a kubernetes.io/dockerconfigjson Secret whose data
// holds config.
func pullSecret(ns, name, config string) string {
	return `apiVersion: v1
kind: Secret
metadata:
  name: ` + name + `
  namespace: ` + ns + `
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ` + base64.StdEncoding.EncodeToString([]byte(config)) + `
`
}

func TestRegistryCredentialShared(t *testing.T) {
	const reason = "registry credential shared across namespaces"
	same := dockerConfigJSON(regUser, regPassword, "https://ghcr.io")
	three := pullSecret("a", "regcred", same) + "---\n" + pullSecret("b", "regcred", same) + "---\n" + pullSecret("c", "pull", same)
	runCases(t, "registry-credential-shared", []checkCase{
		{
			name:     "one credential in three namespaces",
			manifest: three,
			want: []finding{
				{Object: "Secret a/regcred", Path: `data[".dockerconfigjson"]`, Reason: reason, Detail: `secret "regcred" must not hold the credential for registry "ghcr.io" that pull secrets in 3 namespaces hold ("a", "b", "c")`},
				{Object: "Secret b/regcred", Path: `data[".dockerconfigjson"]`, Reason: reason, Detail: `secret "regcred" must not hold the credential for registry "ghcr.io" that pull secrets in 3 namespaces hold ("a", "b", "c")`},
				{Object: "Secret c/pull", Path: `data[".dockerconfigjson"]`, Reason: reason, Detail: `secret "pull" must not hold the credential for registry "ghcr.io" that pull secrets in 3 namespaces hold ("a", "b", "c")`},
			},
		},
		{
			name: "the same credential written as username and password, and in stringData, and as a dockercfg",
			manifest: pullSecret("a", "regcred", same) + `---
apiVersion: v1
kind: Secret
metadata: {name: regcred, namespace: b}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '{"auths": {"ghcr.io/": {"username": "` + regUser + `", "password": "` + regPassword + `"}}}'
---
apiVersion: v1
kind: Secret
metadata: {name: legacy, namespace: c}
type: kubernetes.io/dockercfg
stringData:
  .dockercfg: '{"GHCR.io": {"username": "` + regUser + `", "password": "` + regPassword + `", "email": "ci@example.com"}}'
`,
			want: []finding{
				{Object: "Secret a/regcred", Path: `data[".dockerconfigjson"]`, Reason: reason, Detail: `secret "regcred" must not hold the credential for registry "ghcr.io" that pull secrets in 3 namespaces hold ("a", "b", "c")`},
				{Object: "Secret b/regcred", Path: `data[".dockerconfigjson"]`, Reason: reason, Detail: `secret "regcred" must not hold the credential for registry "ghcr.io" that pull secrets in 3 namespaces hold ("a", "b", "c")`},
				{Object: "Secret c/legacy", Path: `data[".dockercfg"]`, Reason: reason, Detail: `secret "legacy" must not hold the credential for registry "ghcr.io" that pull secrets in 3 namespaces hold ("a", "b", "c")`},
			},
		},
		{
			name: "different credentials, other registries, two copies in one namespace, other types",
			manifest: pullSecret("a", "regcred", same) + "---\n" +
				pullSecret("a", "regcred-copy", same) + "---\n" +
				pullSecret("b", "regcred", dockerConfigJSON(regUser, regPassword+"-b", "ghcr.io")) + "---\n" +
				pullSecret("c", "regcred", dockerConfigJSON(regUser, regPassword, "quay.io")) + `---
apiVersion: v1
kind: Secret
metadata: {name: opaque, namespace: d}
type: Opaque
stringData:
  .dockerconfigjson: '` + same + `'
`,
		},
		{
			name: "Docker Hub under its aliases, and an undecodable config",
			manifest: pullSecret("a", "hub", dockerConfigJSON(regUser, regPassword, "https://index.docker.io/v1/")) + "---\n" +
				pullSecret("b", "hub", dockerConfigJSON(regUser, regPassword, "docker.io")) + "---\n" +
				pullSecret("c", "hub", "{not json") + "---\n" +
				pullSecret("d", "hub", dockerConfigJSON(regUser, regPassword, "registry-1.docker.io")),
			want: []finding{
				{Object: "Secret a/hub", Path: `data[".dockerconfigjson"]`, Reason: reason, Detail: `secret "hub" must not hold the credential for registry "docker.io" that pull secrets in 3 namespaces hold ("a", "b", "d")`},
				{Object: "Secret b/hub", Path: `data[".dockerconfigjson"]`, Reason: reason, Detail: `secret "hub" must not hold the credential for registry "docker.io" that pull secrets in 3 namespaces hold ("a", "b", "d")`},
				{Object: "Secret d/hub", Path: `data[".dockerconfigjson"]`, Reason: reason, Detail: `secret "hub" must not hold the credential for registry "docker.io" that pull secrets in 3 namespaces hold ("a", "b", "d")`},
			},
		},
	})
}

// TestRegistryCredentialSharedThreshold runs the check with other
// thresholds than the default: two namespaces are reported at 2, not at 3,
// and a long list of namespaces is cut.
func TestRegistryCredentialSharedThreshold(t *testing.T) {
	same := dockerConfigJSON(regUser, regPassword, "ghcr.io")
	two := load(t, "test.yaml", pullSecret("a", "regcred", same)+"---\n"+pullSecret("b", "regcred", same))
	for _, tc := range []struct {
		min  int
		want int
	}{{2, 2}, {3, 0}} {
		got := registryCredentialShared{minNamespaces: tc.min}.Run(context.Background(), two, defaultOptions)
		if len(got) != tc.want {
			t.Errorf("minNamespaces %d: %d findings, want %d", tc.min, len(got), tc.want)
		}
	}
	var docs []string
	for _, ns := range []string{"n1", "n2", "n3", "n4", "n5", "n6", "n7"} {
		docs = append(docs, pullSecret(ns, "regcred", same))
	}
	got := comparable(registryCredentialShared{minNamespaces: 3}.Run(context.Background(), load(t, "test.yaml", strings.Join(docs, "---\n")), defaultOptions))
	want := `secret "regcred" must not hold the credential for registry "ghcr.io" that pull secrets in 7 namespaces hold ("n1", "n2", "n3", "n4", "n5", and 2 more)`
	if len(got) != 7 || got[0].Detail != want {
		t.Errorf("got %d findings, first %q; want 7, first %q", len(got), firstDetail(got), want)
	}
}

func firstDetail(fs []finding) string {
	if len(fs) == 0 {
		return ""
	}
	return fs[0].Detail
}
