package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUnknownField(t *testing.T) {
	tests := []struct {
		name      string
		manifests string
		want      []gotFinding
	}{{
		name: "unknown fields at every level",
		manifests: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
  namespace: payments
  lables: {team: payments}
spec:
  replica: 3
  selector: {matchLabels: {app: ledger}}
  template:
    metadata: {labels: {app: ledger}}
    spec:
      containers:
      - name: app
        image: registry.example.com/ledger:1.4.2
        imagePulPolicy: Always
        ports:
        - containerPort: 8080
          protocl: TCP
status2: {}
`,
		want: []gotFinding{{
			Object: "Deployment payments/ledger",
			Path:   "metadata.lables",
			Reason: "unknown fields",
			Detail: "metadata.lables is not a known field and is ignored (did you mean labels?)",
		}, {
			Object: "Deployment payments/ledger",
			Path:   "spec.replica",
			Reason: "unknown fields",
			Detail: "spec.replica is not a known field and is ignored (did you mean replicas?)",
		}, {
			Object: "Deployment payments/ledger",
			Path:   "spec.template.spec.containers[0].imagePulPolicy",
			Reason: "unknown fields",
			Detail: `container "app": imagePulPolicy is not a known field and is ignored (did you mean imagePullPolicy?)`,
		}, {
			Object: "Deployment payments/ledger",
			Path:   "spec.template.spec.containers[0].ports[0].protocl",
			Reason: "unknown fields",
			Detail: `container "app": ports[0].protocl is not a known field and is ignored (did you mean protocol?)`,
		}, {
			Object: "Deployment payments/ledger",
			Path:   "status2",
			Reason: "unknown fields",
			Detail: "status2 is not a known field and is ignored (did you mean status?)",
		}},
	}, {
		name: "unknown top-level field with no near name",
		manifests: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
exposure: public
`,
		want: []gotFinding{{
			Object: "Service web",
			Path:   "exposure",
			Reason: "unknown fields",
			Detail: "exposure is not a known field and is ignored",
		}},
	}, {
		name: "duplicate keys, map keys with dots included",
		manifests: `apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
  namespace: payments
  labels:
    app.kubernetes.io/name: ledger
    app.kubernetes.io/name: ledger-v2
data:
  privileged: "true"
  privileged: "false"
`,
		want: []gotFinding{{
			Object: "ConfigMap payments/flags",
			Path:   `metadata.labels["app.kubernetes.io/name"]`,
			Reason: "duplicate fields",
			Detail: `metadata.labels["app.kubernetes.io/name"] is set twice; Kubernetes keeps the last value`,
		}, {
			Object: "ConfigMap payments/flags",
			Path:   "data.privileged",
			Reason: "duplicate fields",
			Detail: "data.privileged is set twice; Kubernetes keeps the last value",
		}},
	}, {
		name: "security settings are left to ignored-security-setting",
		manifests: `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  securityContext:
    readOnlyRootFilesystem: true
  containers:
  - name: app
    image: registry.example.com/app:1.0.0
    securityContext:
      privilaged: true
`,
		want: nil,
	}, {
		name: "custom resources are not decoded strictly",
		manifests: `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  anything: goes
`,
		want: nil,
	}, {
		name: "known fields only",
		manifests: `apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`,
		want: nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCheckOnYAML(t, "unknown-field", tt.manifests)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
