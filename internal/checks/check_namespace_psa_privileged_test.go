package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNamespacePSAPrivileged(t *testing.T) {
	tests := []struct {
		name      string
		manifests string
		want      []gotFinding
	}{{
		name: "privileged enforced",
		manifests: `apiVersion: v1
kind: Namespace
metadata:
  name: node-agents
  labels:
    pod-security.kubernetes.io/enforce: privileged
`,
		want: []gotFinding{{
			Object: "Namespace node-agents",
			Path:   `metadata.labels["pod-security.kubernetes.io/enforce"]`,
			Reason: "privileged pod security level enforced",
			Detail: `namespace "node-agents" must not set pod-security.kubernetes.io/enforce=privileged`,
		}},
	}, {
		name: "privileged enforced with a pinned version",
		manifests: `apiVersion: v1
kind: Namespace
metadata:
  name: node-agents
  labels:
    pod-security.kubernetes.io/enforce: privileged
    pod-security.kubernetes.io/enforce-version: v1.24
    pod-security.kubernetes.io/warn: restricted
`,
		want: []gotFinding{{
			Object: "Namespace node-agents",
			Path:   `metadata.labels["pod-security.kubernetes.io/enforce"]`,
			Reason: "privileged pod security level enforced",
			Detail: `namespace "node-agents" must not set pod-security.kubernetes.io/enforce=privileged (pod-security.kubernetes.io/enforce-version=v1.24 does not restrict the privileged level)`,
		}},
	}, {
		name: "baseline, restricted, privileged warn only, and no labels",
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
  name: legacy
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/warn: privileged
---
apiVersion: v1
kind: Namespace
metadata:
  name: scratch
`,
		want: nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCheckOnYAML(t, "namespace-psa-privileged", tt.manifests)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
