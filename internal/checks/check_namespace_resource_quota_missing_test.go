package checks

import "testing"

func TestNamespaceResourceQuotaMissing(t *testing.T) {
	runCases(t, "namespace-resource-quota-missing", []checkCase{{
		name: "quota in another namespace only",
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
apiVersion: v1
kind: Namespace
metadata:
  name: ledger
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: ledger
spec:
  hard: {requests.cpu: "4", limits.memory: 8Gi}
`,
		want: []finding{{
			Object: "Namespace payments",
			Path:   "metadata",
			Reason: "no resource quota",
			Detail: `namespace "payments" must have a ResourceQuota`,
		}},
	}, {
		name: "a LimitRange is not a quota",
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: payments
spec:
  limits: [{type: Container, default: {cpu: 500m}}]
`,
		want: []finding{{
			Object: "Namespace payments",
			Path:   "metadata",
			Reason: "no resource quota",
			Detail: `namespace "payments" must have a ResourceQuota`,
		}},
	}, {
		name: "quota present, and a namespace only referenced",
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
kind: ConfigMap
metadata:
  name: settings
  namespace: ledger
`,
		want: nil,
	}})
}
