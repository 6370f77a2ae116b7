package checks

import "testing"

func TestCustomResourcePodSpecNotEvaluated(t *testing.T) {
	const id = "custom-resource-pod-spec-not-evaluated"
	runCases(t, id, []checkCase{{
		name: "pod template at an unknown path",
		manifest: `apiVersion: example.com/v1
kind: Runner
metadata:
  name: ci
  namespace: build
spec:
  workers:
  - podTemplate:
      spec:
        containers:
        - name: step
          image: alpine
`,
		want: []finding{{
			Object: "Runner build/ci",
			Path:   "spec.workers[0].podTemplate.spec",
			Reason: "pod spec not evaluated",
			Detail: "pod spec at spec.workers[0].podTemplate.spec was not evaluated: add {group: example.com, kind: Runner, path: spec.workers[0].podTemplate.spec} to podTemplates in the configuration",
		}},
	}, {
		name: "a known kind with a pod spec at a second, unknown path",
		manifest: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - {name: web, image: nginx}
  analysis:
    job:
      containers:
      - {name: probe, image: curlimages/curl}
`,
		want: []finding{{
			Object: "Rollout web",
			Path:   "spec.analysis.job",
			Reason: "pod spec not evaluated",
			Detail: "pod spec at spec.analysis.job was not evaluated: add {group: argoproj.io, kind: Rollout, path: spec.analysis.job} to podTemplates in the configuration",
		}},
	}, {
		name: "Argo Workflow templates are evaluated, containerSet included",
		manifest: `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: wf
spec:
  templates:
  - name: set
    containerSet:
      containers:
      - {name: a, image: alpine}
`,
	}, {
		name: "containers without images are not a pod spec",
		manifest: `apiVersion: example.com/v1
kind: Dashboard
metadata:
  name: d
spec:
  panels:
    containers:
    - name: cpu
      query: rate(container_cpu_usage_seconds_total[5m])
`,
	}, {
		name: "a built-in kind is never reported",
		manifest: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx}
`,
	}})
}
