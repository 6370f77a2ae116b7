package checks

import "testing"

func TestNamespacePSAPrivileged(t *testing.T) {
	runCases(t, "namespace-psa-privileged", []checkCase{{
		name: "privileged enforced",
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: node-agents
  labels:
    pod-security.kubernetes.io/enforce: privileged
`,
		want: []finding{{
			Object: "Namespace node-agents",
			Path:   `metadata.labels["pod-security.kubernetes.io/enforce"]`,
			Reason: "privileged pod security level enforced",
			Detail: `namespace "node-agents" must not set pod-security.kubernetes.io/enforce=privileged`,
		}},
	}, {
		name: "privileged enforced with a pinned version",
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: node-agents
  labels:
    pod-security.kubernetes.io/enforce: privileged
    pod-security.kubernetes.io/enforce-version: v1.24
    pod-security.kubernetes.io/warn: restricted
`,
		want: []finding{{
			Object: "Namespace node-agents",
			Path:   `metadata.labels["pod-security.kubernetes.io/enforce"]`,
			Reason: "privileged pod security level enforced",
			Detail: `namespace "node-agents" must not set pod-security.kubernetes.io/enforce=privileged (pod-security.kubernetes.io/enforce-version=v1.24 does not restrict the privileged level)`,
		}},
	}, {
		name: "baseline, restricted, privileged warn only, and no labels",
		manifest: `apiVersion: v1
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
	}})
}
