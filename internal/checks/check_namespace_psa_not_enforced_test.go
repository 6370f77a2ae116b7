package checks

import "testing"

func TestNamespacePSANotEnforced(t *testing.T) {
	runCases(t, "namespace-psa-not-enforced", []checkCase{{
		name:  "no labels at all",
		lines: true,
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
`,
		want: []finding{{
			Object: "Namespace payments",
			Path:   "metadata",
			Reason: "pod security admission not enforced",
			Detail: `namespace "payments" must set pod-security.kubernetes.io/enforce`,
			Line:   3,
		}},
	}, {
		name: "only warn and audit",
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/warn: restricted
`,
		want: []finding{{
			Object: "Namespace payments",
			Path:   "metadata.labels",
			Reason: "pod security admission not enforced",
			Detail: `namespace "payments" must set pod-security.kubernetes.io/enforce (it only sets warn=restricted, audit=restricted)`,
		}},
	}, {
		name: "other labels and an enforce-version without enforce",
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    team: payments
    pod-security.kubernetes.io/enforce-version: v1.30
    pod-security.kubernetes.io/warn: ""
`,
		want: []finding{{
			Object: "Namespace payments",
			Path:   "metadata.labels",
			Reason: "pod security admission not enforced",
			Detail: `namespace "payments" must set pod-security.kubernetes.io/enforce (it only sets warn="")`,
		}},
	}, {
		name:  "invalid enforce level",
		lines: true,
		manifest: `apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: Restricted
`,
		want: []finding{{
			Object: "Namespace payments",
			Path:   `metadata.labels["pod-security.kubernetes.io/enforce"]`,
			Reason: "invalid pod security admission level",
			Detail: `namespace "payments" must set pod-security.kubernetes.io/enforce to privileged, baseline or restricted, not "Restricted"`,
			Line:   6,
		}},
	}, {
		name: "enforced namespaces and a namespace only referenced",
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
	}})
}
