package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestDeprecatedAPIVersion(t *testing.T) {
	const id = "deprecated-api-version"
	daemonSet := `apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: monitoring
spec:
  template:
    metadata: {labels: {app: node-agent}}
    spec:
      containers:
      - name: agent
        image: example.com/agent:1.0
        securityContext: {privileged: true}
`
	cases := []checkCase{{
		name:     "extensions/v1beta1 DaemonSet",
		manifest: daemonSet,
		lines:    true,
		want: []finding{{
			Object: "DaemonSet monitoring/node-agent",
			Path:   "apiVersion",
			Reason: "API version no longer served",
			Detail: `DaemonSet "node-agent" must not use apiVersion extensions/v1beta1 (no longer served since Kubernetes 1.16); use apps/v1`,
			Line:   1,
		}},
	}, {
		name: "policies, RBAC, CronJob, custom resource definition",
		manifest: `apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: restricted}
spec:
  privileged: false
  seLinux: {rule: RunAsAny}
  runAsUser: {rule: MustRunAsNonRoot}
  supplementalGroups: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
---
apiVersion: rbac.authorization.k8s.io/v1beta1
kind: ClusterRole
metadata: {name: reader}
rules: []
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: backup, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: backup, image: example.com/backup:1.0}]
---
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced}
`,
		want: []finding{{
			Object:   "NetworkPolicy shop/deny",
			Path:     "apiVersion",
			Reason:   "API version no longer served",
			Detail:   `NetworkPolicy "deny" must not use apiVersion extensions/v1beta1 (no longer served since Kubernetes 1.16); use networking.k8s.io/v1`,
			Severity: check.Medium,
		}, {
			Object:   "PodSecurityPolicy restricted",
			Path:     "apiVersion",
			Reason:   "API version no longer served",
			Detail:   `PodSecurityPolicy "restricted" must not use apiVersion policy/v1beta1 (no longer served since Kubernetes 1.25); the kind is gone, use Pod Security Admission (pod-security.kubernetes.io labels on the namespace)`,
			Severity: check.Medium,
		}, {
			Object: "ClusterRole reader",
			Path:   "apiVersion",
			Reason: "API version no longer served",
			Detail: `ClusterRole "reader" must not use apiVersion rbac.authorization.k8s.io/v1beta1 (no longer served since Kubernetes 1.22); use rbac.authorization.k8s.io/v1`,
		}, {
			Object: "CronJob shop/backup",
			Path:   "apiVersion",
			Reason: "API version no longer served",
			Detail: `CronJob "backup" must not use apiVersion batch/v1beta1 (no longer served since Kubernetes 1.25); use batch/v1`,
		}, {
			Object: "CustomResourceDefinition widgets.example.com",
			Path:   "apiVersion",
			Reason: "API version no longer served",
			Detail: `CustomResourceDefinition "widgets.example.com" must not use apiVersion apiextensions.k8s.io/v1beta1 (no longer served since Kubernetes 1.22); use apiextensions.k8s.io/v1`,
		}},
	}, {
		name: "served versions",
		manifest: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: a, image: example.com/a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: example.com/v1beta1
kind: Deployment
metadata: {name: not-apps, namespace: shop}
`,
		want: nil,
	}}
	runCases(t, id, cases)

	// The object is still evaluated, as the current version of its kind.
	got := runCheck(t, "pss-privileged", daemonSet)
	if len(got) != 1 || got[0].Object != "DaemonSet monitoring/node-agent" {
		t.Errorf("pss-privileged on the extensions/v1beta1 DaemonSet gave %+v, want one finding on it", got)
	}
}
