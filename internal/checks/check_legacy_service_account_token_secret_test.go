package checks

import (
	"strings"
	"testing"
)

func TestLegacyServiceAccountTokenSecret(t *testing.T) {
	const id = "legacy-service-account-token-secret"
	cases := []checkCase{{
		name: "token secret for a service account",
		manifest: `apiVersion: v1
kind: Secret
metadata:
  name: build-robot-token
  namespace: ci
  annotations:
    kubernetes.io/service-account.name: build-robot
type: kubernetes.io/service-account-token
data:
  token: ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNklp
`,
		want: []finding{{
			Object: "Secret ci/build-robot-token",
			Path:   "type",
			Reason: "long-lived service account token",
			Detail: `secret "build-robot-token" must not be of type kubernetes.io/service-account-token (a long-lived token for service account "build-robot")`,
		}},
	}, {
		name: "token secret without the service account annotation",
		manifest: `apiVersion: v1
kind: Secret
metadata:
  name: orphan-token
  namespace: ci
type: kubernetes.io/service-account-token
`,
		want: []finding{{
			Object: "Secret ci/orphan-token",
			Path:   "type",
			Reason: "long-lived service account token",
			Detail: `secret "orphan-token" must not be of type kubernetes.io/service-account-token (a long-lived service account token; it names no service account in the kubernetes.io/service-account.name annotation)`,
		}},
	}, {
		name: "other secret types",
		manifest: `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: ci
type: Opaque
stringData:
  password: hunter2
---
apiVersion: v1
kind: Secret
metadata:
  name: registry
  namespace: ci
  annotations:
    kubernetes.io/service-account.name: build-robot
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: e30=
`,
		want: nil,
	}}
	runCases(t, id, cases)
	// Whatever a case wants, no finding may print the token.
	for _, tc := range cases {
		for _, f := range runCheck(t, id, tc.manifest) {
			if strings.Contains(f.Detail, "ZXlK") {
				t.Errorf("%s: detail %q holds part of the token", tc.name, f.Detail)
			}
		}
	}
}
