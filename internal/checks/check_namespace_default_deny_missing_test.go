package checks

import "testing"

func TestNamespaceDefaultDenyMissing(t *testing.T) {
	const namespace = `apiVersion: v1
kind: Namespace
metadata:
  name: payments
`
	const workloads = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: payments
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers: [{name: web, image: registry.example.com/web:1.0.0}]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: payments
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec:
          restartPolicy: Never
          containers: [{name: report, image: registry.example.com/report:1.0.0}]
`
	const missing = `namespace "payments" must have a default-deny ingress NetworkPolicy (podSelector: {} with Ingress in policyTypes)`
	finding := func(detail string) []finding {
		return []finding{{Object: "Namespace payments", Path: "metadata", Reason: "no default-deny network policy", Detail: detail}}
	}
	runCases(t, "namespace-default-deny-missing", []checkCase{{
		name:     "no policy, no workload",
		manifest: namespace,
		want:     finding(missing),
	}, {
		name:     "no policy, two workloads",
		manifest: namespace + workloads,
		want:     finding(missing + "; 2 workloads are not selected by any NetworkPolicy"),
	}, {
		name: "a policy for one workload only",
		manifest: namespace + workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-ingress
  namespace: payments
spec:
  podSelector:
    matchExpressions: [{key: tier, operator: In, values: [front]}]
  ingress: [{ports: [{port: 8080}]}]
`,
		want: finding(missing + "; 1 workload is not selected by any NetworkPolicy"),
	}, {
		name: "an invalid selector selects nothing",
		manifest: namespace + workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: broken
  namespace: payments
spec:
  podSelector:
    matchExpressions: [{key: app, operator: Near, values: [web]}]
`,
		want: finding(missing + "; 2 workloads are not selected by any NetworkPolicy"),
	}, {
		name: "whole-namespace egress policy only",
		manifest: namespace + workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-egress
  namespace: payments
spec:
  podSelector: {}
  policyTypes: [Egress]
`,
		want: finding(missing),
	}, {
		name: "default deny undone by an allow-all policy",
		manifest: namespace + workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: payments
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all
  namespace: payments
spec:
  podSelector: {}
  ingress: [{}]
`,
		want: finding(missing + `; NetworkPolicy "allow-all" selects every pod and allows all ingress`),
	}, {
		name: "default deny in another namespace",
		manifest: namespace + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ledger
spec:
  podSelector: {}
  policyTypes: [Ingress]
`,
		want: finding(missing),
	}, {
		name: "explicit default deny",
		manifest: namespace + workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: payments
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
		want: nil,
	}, {
		name: "empty policyTypes implies Ingress, even with egress rules",
		manifest: namespace + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: dns-only
  namespace: payments
spec:
  podSelector: {}
  egress: [{ports: [{port: 53, protocol: UDP}]}]
`,
		want: nil,
	}, {
		name: "whole-namespace policy with restricted ingress rules",
		manifest: namespace + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-gateway
  namespace: payments
spec:
  podSelector: {}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: gateway}}}]
`,
		want: nil,
	}, {
		name: "namespace only referenced",
		manifest: `apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: payments
spec:
  containers: [{name: app, image: registry.example.com/app:1.0.0}]
`,
		want: nil,
	}})
}
