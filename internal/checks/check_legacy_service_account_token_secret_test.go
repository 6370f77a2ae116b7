package checks

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLegacyServiceAccountTokenSecret(t *testing.T) {
	tests := []struct {
		name      string
		manifests string
		want      []gotFinding
	}{{
		name: "token secret for a service account",
		manifests: `apiVersion: v1
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
		want: []gotFinding{{
			Object: "Secret ci/build-robot-token",
			Path:   "type",
			Reason: "long-lived service account token",
			Detail: `secret "build-robot-token" must not be of type kubernetes.io/service-account-token (a long-lived token for service account "build-robot")`,
		}},
	}, {
		name: "token secret without the service account annotation",
		manifests: `apiVersion: v1
kind: Secret
metadata:
  name: orphan-token
  namespace: ci
type: kubernetes.io/service-account-token
`,
		want: []gotFinding{{
			Object: "Secret ci/orphan-token",
			Path:   "type",
			Reason: "long-lived service account token",
			Detail: `secret "orphan-token" must not be of type kubernetes.io/service-account-token (a long-lived service account token; it names no service account in the kubernetes.io/service-account.name annotation)`,
		}},
	}, {
		name: "other secret types",
		manifests: `apiVersion: v1
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCheckOnYAML(t, "legacy-service-account-token-secret", tt.manifests)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
			for _, f := range got {
				if strings.Contains(f.Detail, "ZXlK") {
					t.Errorf("detail %q holds part of the token", f.Detail)
				}
			}
		})
	}
}
