package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNamespaceLimitRangeMissing(t *testing.T) {
	tests := []struct {
		name      string
		manifests string
		want      []gotFinding
	}{{
		name: "no limit range, a quota is not one",
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
		want: []gotFinding{{
			Object: "Namespace payments",
			Path:   "metadata",
			Reason: "no limit range",
			Detail: `namespace "payments" must have a LimitRange`,
		}},
	}, {
		name: "limit range present, and a namespace only referenced",
		manifests: `apiVersion: v1
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
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCheckOnYAML(t, "namespace-limit-range-missing", tt.manifests)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
