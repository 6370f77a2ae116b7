package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNamespacePSANotEnforced(t *testing.T) {
	tests := []struct {
		name      string
		manifests string
		want      []gotFinding
	}{{
		name: "no labels at all",
		manifests: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
`,
		want: []gotFinding{{
			Object: "Namespace payments",
			Path:   "metadata",
			Reason: "pod security admission not enforced",
			Detail: `namespace "payments" must set pod-security.kubernetes.io/enforce`,
		}},
	}, {
		name: "only warn and audit",
		manifests: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/warn: restricted
`,
		want: []gotFinding{{
			Object: "Namespace payments",
			Path:   "metadata.labels",
			Reason: "pod security admission not enforced",
			Detail: `namespace "payments" must set pod-security.kubernetes.io/enforce (it only sets warn=restricted, audit=restricted)`,
		}},
	}, {
		name: "other labels and an enforce-version without enforce",
		manifests: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    team: payments
    pod-security.kubernetes.io/enforce-version: v1.30
    pod-security.kubernetes.io/warn: ""
`,
		want: []gotFinding{{
			Object: "Namespace payments",
			Path:   "metadata.labels",
			Reason: "pod security admission not enforced",
			Detail: `namespace "payments" must set pod-security.kubernetes.io/enforce (it only sets warn="")`,
		}},
	}, {
		name: "invalid enforce level",
		manifests: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: Restricted
`,
		want: []gotFinding{{
			Object: "Namespace payments",
			Path:   `metadata.labels["pod-security.kubernetes.io/enforce"]`,
			Reason: "invalid pod security admission level",
			Detail: `namespace "payments" must set pod-security.kubernetes.io/enforce to privileged, baseline or restricted, not "Restricted"`,
		}},
	}, {
		name: "enforced namespaces and a namespace only referenced",
		manifests: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: Namespace
metadata:
  name: tools
  labels:
    pod-security.kubernetes.io/enforce: privileged
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
			got := runCheckOnYAML(t, "namespace-psa-not-enforced", tt.manifests)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
