package checks

import "testing"

// wlInjectedTokenVolume is the volume the API server adds to pods that
// automount their token.
const wlInjectedTokenVolume = `- name: kube-api-access-x7k2p
  projected:
    defaultMode: 420
    sources:
    - serviceAccountToken: {expirationSeconds: 3607, path: token}
    - configMap:
        name: kube-root-ca.crt
        items: [{key: ca.crt, path: ca.crt}]
    - downwardAPI:
        items: [{path: namespace, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]
`

func TestProjectedTokenNoAudience(t *testing.T) {
	const reason = "projected tokens without audience"
	runCases(t, "projected-token-no-audience", []checkCase{
		{
			name: "audience set",
			manifest: deployment(`containers: [{name: app, image: app:1}]
volumes:
- name: vault-token
  projected:
    sources:
    - serviceAccountToken: {audience: vault, path: token}
`),
		},
		{
			name: "no audience",
			manifest: deployment(`containers: [{name: app, image: app:1}]
volumes:
- name: config
  configMap: {name: app}
- name: vault-token
  projected:
    sources:
    - configMap: {name: ca}
    - serviceAccountToken: {path: token}
- name: broker-token
  projected:
    sources:
    - serviceAccountToken: {path: token, audience: ""}
`),
			want: []finding{
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.volumes[1].projected.sources[1].serviceAccountToken", Reason: reason,
					Detail: `volume "vault-token" must set projected.sources[1].serviceAccountToken.audience`,
				},
				{
					Object: "Deployment shop/app", Path: "spec.template.spec.volumes[2].projected.sources[0].serviceAccountToken", Reason: reason,
					Detail: `volume "broker-token" must set projected.sources[0].serviceAccountToken.audience`,
				},
			},
		},
		{
			name:     "injected kube-api-access volume",
			manifest: pod("containers: [{name: app, image: app:1}]\nvolumes:\n" + wlInjectedTokenVolume),
		},
		{
			name: "kube-api-access name without the root CA",
			manifest: pod(`containers: [{name: app, image: app:1}]
volumes:
- name: kube-api-access-mine
  projected:
    sources:
    - serviceAccountToken: {path: token}
`),
			want: []finding{{
				Object: "Pod shop/app", Path: "spec.volumes[0].projected.sources[0].serviceAccountToken", Reason: reason,
				Detail: `volume "kube-api-access-mine" must set projected.sources[0].serviceAccountToken.audience`,
			}},
		},
	})
}
