package checks

import "testing"

func TestNamespaceLimitRangeMissing(t *testing.T) {
	runCases(t, "namespace-limit-range-missing", []checkCase{{
		name: "no limit range, a quota is not one",
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: payments
spec:
  hard: {requests.cpu: "4"}
---
apiVersion: v1
kind: Namespace
metadata:
  name: ledger
---
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: ledger
spec:
  limits: [{type: Container, default: {cpu: 500m}}]
`,
		want: []finding{{
			Object: "Namespace payments",
			Path:   "metadata",
			Reason: "no limit range",
			Detail: `namespace "payments" must have a LimitRange`,
		}},
	}, {
		name: "limit range present, and a namespace only referenced",
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: ledger
---
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: ledger
spec:
  limits: [{type: Container, default: {cpu: 500m}}]
---
apiVersion: v1
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
