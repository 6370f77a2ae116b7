package checks

import "testing"

func TestWorkloadIngressUnrestricted(t *testing.T) {
	const namespace = `apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
`
	// workloads is a bundle in the style of one applied with kubectl
	// apply -n: the scan placed its objects in "payments".
	const workloads = `apiVersion: apps/v1
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
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: payments
spec:
  containers: [{name: debug, image: registry.example.com/debug:1.0.0}]
`
	const none = `pods must be selected by a NetworkPolicy that limits their ingress; no ingress NetworkPolicy of namespace "payments" selects them`
	web := func(detail string) finding {
		return finding{Object: "Deployment payments/web", Path: "spec.template.metadata.labels", Reason: "ingress open to every pod", Detail: detail, Line: 9}
	}
	debug := finding{Object: "Pod payments/debug", Path: "metadata", Reason: "ingress open to every pod", Detail: none, Line: 15}
	const defaultDeny = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: payments
spec:
  podSelector: {}
  policyTypes: [Ingress]
`
	const webPolicy = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: payments
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: 8080}]}]
`
	runCases(t, "workload-ingress-unrestricted", []checkCase{{
		name:     "no Namespace object, no policy",
		manifest: workloads,
		lines:    true,
		want:     []finding{web(none), debug},
	}, {
		name:     "Namespace object in the scan: namespace-default-deny-missing reports",
		manifest: namespace + workloads,
		want:     nil,
	}, {
		name:     "no Namespace object, default deny",
		manifest: workloads + defaultDeny,
		want:     nil,
	}, {
		name:     "no Namespace object, a policy for one workload",
		manifest: workloads + webPolicy,
		want:     []finding{debug},
	}, {
		name: "no Namespace object, an egress-only policy does not limit ingress",
		manifest: workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-egress
  namespace: payments
spec:
  podSelector: {}
  policyTypes: [Egress]
`,
		want: []finding{web(none), debug},
	}, {
		name: "no Namespace object, a policy that allows all ingress undoes the default deny",
		manifest: workloads + defaultDeny + webPolicy + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: front-open
  namespace: payments
spec:
  podSelector: {matchLabels: {tier: front}}
  ingress: [{}]
`,
		want: []finding{web(`pods must be selected by a NetworkPolicy that limits their ingress; NetworkPolicy "front-open" selects them and allows all ingress`)},
	}, {
		name: "default deny in another namespace",
		manifest: workloads + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ledger
spec:
  podSelector: {}
  policyTypes: [Ingress]
`,
		want: []finding{web(none), debug},
	}, {
		name: "Namespace object of another namespace",
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: ledger
---
` + workloads,
		want: []finding{web(none), debug},
	}})
}

// TestNetworkPolicyNotReportedTwice runs both network-policy checks on the
// same workloads, with and without the Namespace object: the gap is
// reported by exactly one of them.
func TestNetworkPolicyNotReportedTwice(t *testing.T) {
	const workloads = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: payments
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.example.com/web:1.0.0}]
`
	const namespace = `apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
`
	for _, tc := range []struct {
		name                string
		manifest            string
		namespace, workload int
	}{
		{"without the Namespace object", workloads, 0, 1},
		{"with the Namespace object", namespace + workloads, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := load(t, "test.yaml", tc.manifest)
			ns := run(registered(t, "namespace-default-deny-missing"), inv, defaultOptions)
			wl := run(registered(t, "workload-ingress-unrestricted"), inv, defaultOptions)
			if len(ns) != tc.namespace || len(wl) != tc.workload {
				t.Errorf("got %d namespace-default-deny-missing and %d workload-ingress-unrestricted findings, want %d and %d", len(ns), len(wl), tc.namespace, tc.workload)
			}
		})
	}
}
