package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

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
	graded := func(sev check.Severity, detail string) []finding {
		return []finding{{Object: "Namespace payments", Path: "metadata", Reason: "no default-deny network policy", Detail: detail, Severity: sev}}
	}
	undone := func(detail string) []finding {
		return []finding{{Object: "Namespace payments", Path: "metadata", Reason: "default deny undone", Detail: detail}}
	}
	// low is a finding on a namespace whose scanned workloads all have
	// their ingress limited.
	low := func(detail string) []finding { return graded(check.Low, detail) }
	finding := func(detail string) []finding { return graded(0, detail) }
	const one = "; 1 workload is selected by no NetworkPolicy that limits its ingress"
	const two = "; 2 workloads are selected by no NetworkPolicy that limits their ingress"
	runCases(t, "namespace-default-deny-missing", []checkCase{{
		name:     "no policy, no workload",
		manifest: namespace,
		want:     low(missing),
	}, {
		name:     "no policy, two workloads",
		manifest: namespace + workloads,
		want:     finding(missing + two),
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
		want: finding(missing + one),
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
		want: finding(missing + two),
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
		want: finding(missing + two),
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
		want: undone(`namespace "payments" must not undo its default-deny ingress NetworkPolicy with a policy that allows all ingress; NetworkPolicy "allow-all" selects every pod and allows all ingress` + two),
	}, {
		name: "an allow-all policy without a default deny",
		manifest: namespace + workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all
  namespace: payments
spec:
  podSelector: {}
  ingress: [{}]
`,
		want: finding(missing + `; NetworkPolicy "allow-all" selects every pod and allows all ingress` + two),
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
		want: low(missing),
	}, {
		name: "every workload limited by its own policy",
		manifest: namespace + workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: payments
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {app: gateway}}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: report
  namespace: payments
spec:
  podSelector: {matchLabels: {app: report}}
  policyTypes: [Ingress]
`,
		want: low(missing),
	}, {
		name: "an egress-only policy does not limit ingress",
		manifest: namespace + workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: payments
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: report-egress
  namespace: payments
spec:
  podSelector: {matchLabels: {app: report}}
  policyTypes: [Egress]
`,
		want: finding(missing + one),
	}, {
		name: "a policy that allows all ingress undoes a narrower one",
		manifest: namespace + workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: payments
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: report
  namespace: payments
spec:
  podSelector: {matchLabels: {app: report}}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-open
  namespace: payments
spec:
  podSelector: {matchLabels: {tier: front}}
  ingress: [{}]
`,
		want: finding(missing + one),
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
