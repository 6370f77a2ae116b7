package checks

import "testing"

func TestProjectedTokenLongExpiry(t *testing.T) {
	const reason = "long-lived projected tokens"
	runCases(t, "projected-token-long-expiry", []checkCase{
		{
			name: "default and short expiry",
			manifest: deployment(`containers: [{name: app, image: app:1}]
volumes:
- name: a
  projected:
    sources:
    - serviceAccountToken: {audience: vault, path: token}
- name: b
  projected:
    sources:
    - serviceAccountToken: {audience: vault, path: token, expirationSeconds: 3600}
    - serviceAccountToken: {audience: broker, path: token2, expirationSeconds: 600}
`),
		},
		{
			name: "long expiry",
			manifest: deployment(`containers: [{name: app, image: app:1}]
volumes:
- name: vault-token
  projected:
    sources:
    - serviceAccountToken: {audience: vault, path: token, expirationSeconds: 600}
    - serviceAccountToken: {audience: vault, path: token2, expirationSeconds: 86400}
`),
			want: []finding{{
				Object: "Deployment shop/app", Path: "spec.template.spec.volumes[0].projected.sources[1].serviceAccountToken.expirationSeconds", Reason: reason,
				Detail: `volume "vault-token" must set projected.sources[1].serviceAccountToken.expirationSeconds to at most 3600, not 86400`,
			}},
		},
		{
			name:     "one second over",
			manifest: pod("containers: [{name: app, image: app:1}]\nvolumes:\n- name: t\n  projected:\n    sources:\n    - serviceAccountToken: {audience: x, path: t, expirationSeconds: 3601}\n"),
			want: []finding{{
				Object: "Pod shop/app", Path: "spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", Reason: reason,
				Detail: `volume "t" must set projected.sources[0].serviceAccountToken.expirationSeconds to at most 3600, not 3601`,
			}},
		},
		{
			name:     "injected kube-api-access volume (3607 seconds)",
			manifest: pod("containers: [{name: app, image: app:1}]\nvolumes:\n" + wlInjectedTokenVolume),
		},
	})
}
