package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNamespaceResourceQuotaMissing(t *testing.T) {
	tests := []struct {
		name      string
		manifests string
		want      []gotFinding
	}{{
		name: "quota in another namespace only",
		manifests: `apiVersion: v1
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
		want: []gotFinding{{
			Object: "Namespace payments",
			Path:   "metadata",
			Reason: "no resource quota",
			Detail: `namespace "payments" must have a ResourceQuota`,
		}},
	}, {
		name: "a LimitRange is not a quota",
		manifests: `apiVersion: v1
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
		want: []gotFinding{{
			Object: "Namespace payments",
			Path:   "metadata",
			Reason: "no resource quota",
			Detail: `namespace "payments" must have a ResourceQuota`,
		}},
	}, {
		name: "quota present, and a namespace only referenced",
		manifests: `apiVersion: v1
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
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCheckOnYAML(t, "namespace-resource-quota-missing", tt.manifests)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
