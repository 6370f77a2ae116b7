package checks

import "testing"

func TestUnknownField(t *testing.T) {
	runCases(t, "unknown-field", []checkCase{{
		name: "unknown fields at every level",
		manifest: `apiVersion: apps/v1
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
		want: []finding{{
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
		manifest: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
exposure: public
`,
		want: []finding{{
			Object: "Service web",
			Path:   "exposure",
			Reason: "unknown fields",
			Detail: "exposure is not a known field and is ignored",
		}},
	}, {
		name: "duplicate keys, map keys with dots included",
		manifest: `apiVersion: v1
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
		want: []finding{{
			Object: "ConfigMap payments/flags",
			Path:   `metadata.labels["app.kubernetes.io/name"]`,
			Reason: "duplicate keys",
			Detail: `metadata.labels["app.kubernetes.io/name"] is set twice; the last value wins`,
		}, {
			Object: "ConfigMap payments/flags",
			Path:   "data.privileged",
			Reason: "duplicate keys",
			Detail: "data.privileged is set twice; the last value wins",
		}},
	}, {
		name: "security settings are left to ignored-security-setting",
		manifest: `apiVersion: v1
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
		manifest: `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  anything: goes
`,
		want: nil,
	}, {
		name: "known fields only",
		manifest: `apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`,
		want: nil,
	}})
}
