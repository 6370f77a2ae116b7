package checks

import "testing"

// saWith returns a ServiceAccount of namespace shop holding pull secrets.
func saWith(name string, secrets ...string) string {
	s := `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ` + name + `
  namespace: shop
imagePullSecrets:
`
	for _, n := range secrets {
		s += "- name: " + n + "\n"
	}
	return s
}

// podAs returns a Pod of namespace shop running as sa with images, one
// container each; extra is added to the pod spec.
func podAs(name, sa, extra string, images ...string) string {
	s := `apiVersion: v1
kind: Pod
metadata:
  name: ` + name + `
  namespace: shop
spec:
`
	if sa != "" {
		s += "  serviceAccountName: " + sa + "\n"
	}
	s += extra
	s += "  containers:\n"
	for i, img := range images {
		s += "  - name: c" + string(rune('0'+i)) + "\n    image: " + img + "\n"
	}
	return s
}

func TestServiceAccountPullSecretUnused(t *testing.T) {
	const reason = "unused image pull secret"
	ghcr := pullSecret("shop", "ghcr", dockerConfigJSON(regUser, regPassword, "ghcr.io/acme"))
	quay := pullSecret("shop", "quay", dockerConfigJSON(regUser, regPassword, "quay.io", "https://*.example.com:5000"))
	runCases(t, "service-account-pull-secret-unused", []checkCase{
		{
			name: "a secret for a registry no pod of the account pulls from",
			manifest: ghcr + "---\n" + quay + "---\n" + saWith("builder", "ghcr", "quay") + "---\n" +
				podAs("a", "builder", "", "ghcr.io/acme/app:1") + "---\n" +
				podAs("b", "builder", "", "nginx:1.27"),
			want: []finding{{
				Object: "ServiceAccount shop/builder", Path: "imagePullSecrets[1]", Reason: reason,
				Detail: `service account "builder" must not hold image pull secret "quay" (registries "*.example.com:5000", "quay.io"): no image of the 2 workloads running as it in the scan comes from them`,
			}},
		},
		{
			name: "the path of the server must prefix the repository; the default account",
			manifest: ghcr + "---\n" + saWith("default", "ghcr") + "---\n" +
				podAs("a", "", "", "ghcr.io/other/app:1", "ghcr.io/acme-tools/x:1"),
			want: []finding{{
				Object: "ServiceAccount shop/default", Path: "imagePullSecrets[0]", Reason: reason,
				Detail: `service account "default" must not hold image pull secret "ghcr" (registry "ghcr.io/acme"): no image of the 1 workload running as it in the scan comes from it`,
			}},
		},
		{
			name: "used: by a container, an init container, through a wildcard host",
			manifest: ghcr + "---\n" + quay + "---\n" + saWith("builder", "ghcr", "quay") + "---\n" +
				podAs("a", "builder", "  initContainers:\n  - name: init\n    image: GHCR.io/acme/init@sha256:"+sha64+"\n", "busybox") + "---\n" +
				podAs("b", "builder", "", "registry.example.com:5000/team/app:2"),
		},
		{
			name: "not judged: no workload runs as the account, pods with their own pull secrets, a secret not in the scan, another type",
			manifest: ghcr + "---\n" + saWith("idle", "ghcr") + "---\n" + saWith("own", "ghcr") + "---\n" +
				podAs("a", "own", "  imagePullSecrets:\n  - name: other\n", "busybox") + "---\n" +
				saWith("missing", "absent") + "---\n" + podAs("b", "missing", "", "busybox") + `---
apiVersion: v1
kind: Secret
metadata: {name: opaque, namespace: shop}
type: Opaque
stringData: {token: x}
---
` + saWith("typed", "opaque") + "---\n" + podAs("c", "typed", "", "busybox"),
		},
		{
			name: "a workload in another namespace does not count",
			manifest: ghcr + "---\n" + saWith("builder", "ghcr") + "---\n" + podAs("a", "builder", "", "busybox") + `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: elsewhere, namespace: other}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      serviceAccountName: builder
      containers: [{name: app, image: ghcr.io/acme/app:1}]
`,
			want: []finding{{
				Object: "ServiceAccount shop/builder", Path: "imagePullSecrets[0]", Reason: reason,
				Detail: `service account "builder" must not hold image pull secret "ghcr" (registry "ghcr.io/acme"): no image of the 1 workload running as it in the scan comes from it`,
			}},
		},
	})
}

const sha64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
