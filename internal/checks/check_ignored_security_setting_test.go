package checks

import "testing"

func TestIgnoredSecuritySetting(t *testing.T) {
	const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
  namespace: payments
spec:
  selector: {matchLabels: {app: ledger}}
  template:
    metadata: {labels: {app: ledger}}
    spec:
`
	runCases(t, "ignored-security-setting", []checkCase{{
		name: "container settings in the pod securityContext",
		manifest: deployment + `      securityContext:
        runAsNonRoot: true
        readOnlyRootFilesystem: true
        privileged: false
      containers:
      - name: app
        image: registry.example.com/ledger:1.4.2
`,
		want: []finding{{
			Object: "Deployment payments/ledger",
			Path:   "spec.template.spec.securityContext.readOnlyRootFilesystem",
			Reason: "ignored security settings",
			Detail: "readOnlyRootFilesystem is not a field of the pod securityContext and is ignored; set it in each container's securityContext",
		}, {
			Object: "Deployment payments/ledger",
			Path:   "spec.template.spec.securityContext.privileged",
			Reason: "ignored security settings",
			Detail: "privileged is not a field of the pod securityContext and is ignored; set it in each container's securityContext",
		}},
	}, {
		name: "misspelt field in a container securityContext",
		manifest: deployment + `      containers:
      - name: app
        image: registry.example.com/ledger:1.4.2
        securityContext:
          privilaged: false
          readonlyRootFilesystem: true
          capabilities: {dorp: [ALL]}
`,
		want: []finding{{
			Object: "Deployment payments/ledger",
			Path:   "spec.template.spec.containers[0].securityContext.privilaged",
			Reason: "ignored security settings",
			Detail: `container "app": securityContext.privilaged is not a known field and is ignored (did you mean privileged?)`,
		}, {
			Object: "Deployment payments/ledger",
			Path:   "spec.template.spec.containers[0].securityContext.readonlyRootFilesystem",
			Reason: "ignored security settings",
			Detail: `container "app": securityContext.readonlyRootFilesystem is not a known field and is ignored (did you mean readOnlyRootFilesystem?)`,
		}, {
			Object: "Deployment payments/ledger",
			Path:   "spec.template.spec.containers[0].securityContext.capabilities.dorp",
			Reason: "ignored security settings",
			Detail: `container "app": securityContext.capabilities.dorp is not a known field and is ignored (did you mean drop?)`,
		}},
	}, {
		name: "duplicate key in a container securityContext",
		manifest: deployment + `      containers:
      - name: app
        image: registry.example.com/ledger:1.4.2
      - name: metrics
        image: registry.example.com/metrics:2.0.1
        securityContext:
          privileged: false
          privileged: true
`,
		want: []finding{{
			Object: "Deployment payments/ledger",
			Path:   "spec.template.spec.containers[1].securityContext.privileged",
			Reason: "duplicate security settings",
			Detail: `container "metrics": securityContext.privileged is set twice; the last value wins`,
		}},
	}, {
		name: "settings at the wrong level of a pod",
		manifest: `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  runAsNonRoot: true
  securityContex:
    runAsUser: 1000
  initContainers:
  - name: setup
    image: registry.example.com/setup:1.0.0
    hostNetwork: true
    securityContext:
      fsGroup: 2000
  containers:
  - name: app
    image: registry.example.com/app:1.0.0
    privileged: true
    runAsUser: 1000
`,
		want: []finding{{
			Object: "Pod debug",
			Path:   "spec.runAsNonRoot",
			Reason: "ignored security settings",
			Detail: "runAsNonRoot is not a field of the pod spec and is ignored; set it in the pod securityContext or each container's securityContext",
		}, {
			Object: "Pod debug",
			Path:   "spec.securityContex",
			Reason: "ignored security settings",
			Detail: "securityContex is not a known field and is ignored (did you mean securityContext?)",
		}, {
			Object: "Pod debug",
			Path:   "spec.initContainers[0].hostNetwork",
			Reason: "ignored security settings",
			Detail: `init container "setup": hostNetwork is not a field of the container and is ignored; set it in the pod spec`,
		}, {
			Object: "Pod debug",
			Path:   "spec.initContainers[0].securityContext.fsGroup",
			Reason: "ignored security settings",
			Detail: `init container "setup": fsGroup is not a field of the container securityContext and is ignored; set it in the pod securityContext`,
		}, {
			Object: "Pod debug",
			Path:   "spec.containers[0].privileged",
			Reason: "ignored security settings",
			Detail: `container "app": privileged is not a field of the container and is ignored; set it in the container's securityContext`,
		}, {
			Object: "Pod debug",
			Path:   "spec.containers[0].runAsUser",
			Reason: "ignored security settings",
			Detail: `container "app": runAsUser is not a field of the container and is ignored; set it in the pod securityContext or the container's securityContext`,
		}},
	}, {
		name: "pod spec settings outside the pod spec and a misplaced misspelling",
		manifest: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        hostPID: true
        spec:
          restartPolicy: Never
          securityContext:
            readOnlyRootFilesytem: true
          containers:
          - name: report
            image: registry.example.com/report:3.1.0
            volumeMounts:
            - name: data
              mountPath: /data
              readonly: true
          volumes:
          - name: data
            emptyDir: {}
`,
		want: []finding{{
			Object: "CronJob report",
			Path:   "spec.jobTemplate.spec.template.hostPID",
			Reason: "ignored security settings",
			Detail: "hostPID is not a field of spec.jobTemplate.spec.template and is ignored; set it in the pod spec",
		}, {
			Object: "CronJob report",
			Path:   "spec.jobTemplate.spec.template.spec.securityContext.readOnlyRootFilesytem",
			Reason: "ignored security settings",
			Detail: "securityContext.readOnlyRootFilesytem is not a known field and is ignored (did you mean readOnlyRootFilesystem, which belongs in each container's securityContext?)",
		}, {
			Object: "CronJob report",
			Path:   "spec.jobTemplate.spec.template.spec.containers[0].volumeMounts[0].readonly",
			Reason: "ignored security settings",
			Detail: `container "report": volumeMounts[0].readonly is not a known field and is ignored (did you mean readOnly?)`,
		}},
	}, {
		name: "ephemeral container and service account",
		manifest: `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0.0
  ephemeralContainers:
  - name: debugger
    image: registry.example.com/debug:1.0.0
    securityContext:
      allowPrivilegeEscalation: false
      allowPrivilegeEscalation: true
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: builder
automountServiceAcountToken: false
`,
		want: []finding{{
			Object: "Pod debug",
			Path:   "spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation",
			Reason: "duplicate security settings",
			Detail: `ephemeral container "debugger": securityContext.allowPrivilegeEscalation is set twice; the last value wins`,
		}, {
			Object: "ServiceAccount builder",
			Path:   "automountServiceAcountToken",
			Reason: "ignored security settings",
			Detail: "automountServiceAcountToken is not a known field and is ignored (did you mean automountServiceAccountToken?)",
		}},
	}, {
		name: "other unknown and duplicate fields are left to unknown-field",
		manifest: deployment + `      containers:
      - name: app
        image: registry.example.com/ledger:1.4.2
        imagePulPolicy: Always
  replica: 3
metadata2: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
data:
  privileged: "true"
  privileged: "false"
`,
		want: nil,
	}, {
		name: "correct settings",
		manifest: deployment + `      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: registry.example.com/ledger:1.4.2
        securityContext:
          privileged: false
          readOnlyRootFilesystem: true
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
`,
		want: nil,
	}})
}
