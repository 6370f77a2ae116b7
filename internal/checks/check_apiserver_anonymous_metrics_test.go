package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

// metricsReader is a ClusterRole allowing get on /metrics, and a
// ClusterRoleBinding of it to subjects (YAML flow items).
func metricsReader(urls, subjects string) string {
	return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: metrics-reader}
rules:
- nonResourceURLs: ` + urls + `
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: metrics-public}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-reader}
subjects: ` + subjects + `
`
}

func TestAPIServerAnonymousMetrics(t *testing.T) {
	const reason = "anonymous metrics"
	unauthenticated := metricsReader(`["/metrics"]`, `[{kind: ServiceAccount, name: prometheus, namespace: monitoring}, {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}]`)
	runCases(t, "apiserver-anonymous-metrics", []checkCase{
		{
			name:     "RBAC and an API server that accepts anonymous requests by default",
			manifest: unauthenticated + "---\n" + controlPlanePod("kube-apiserver", "--authorization-mode=Node,RBAC"),
			want: []finding{{
				Object: "ClusterRoleBinding metrics-public", Path: "subjects[1]", Reason: reason,
				Detail: `ClusterRoleBinding "metrics-public" must not allow /metrics to Group "system:unauthenticated" through ClusterRole "metrics-reader"; kube-apiserver (static pod kube-system/kube-apiserver) accepts anonymous requests`,
			}},
		},
		{
			name:     "RBAC only: about the binding, medium",
			manifest: metricsReader(`["/met*"]`, `[{apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:anonymous"}]`),
			want: []finding{{
				Object: "ClusterRoleBinding metrics-public", Path: "subjects[0]", Reason: reason, Severity: check.Medium,
				Detail: `ClusterRoleBinding "metrics-public" must not allow /metrics to User "system:anonymous" through ClusterRole "metrics-reader": the kube-apiserver accepts anonymous requests unless it sets --anonymous-auth=false (its flags are not in the scan)`,
			}},
		},
		{
			name: "cluster-admin to anonymous, an API server with an authentication configuration",
			manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: oops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:anonymous"}]
---
` + controlPlanePod("kube-apiserver", "--authentication-config=/etc/kubernetes/authn.yaml"),
			want: []finding{{
				Object: "ClusterRoleBinding oops", Path: "subjects[0]", Reason: reason,
				Detail: `ClusterRoleBinding "oops" must not allow /metrics to User "system:anonymous" through ClusterRole "cluster-admin"; kube-apiserver (static pod kube-system/kube-apiserver) (by default; its --authentication-config may turn anonymous access off) accepts anonymous requests`,
			}},
		},
		{
			name:     "the API server refuses anonymous requests",
			manifest: unauthenticated + "---\n" + controlPlanePod("kube-apiserver", "--anonymous-auth=false"),
		},
		{
			name: "not granted: other URLs, other subjects, a RoleBinding",
			manifest: metricsReader(`["/healthz", "/livez", "/readyz", "/version"]`, `[{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}]`) + `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: metrics-all}
rules: [{nonResourceURLs: ["/metrics"], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: metrics-authenticated}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-all}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: metrics-ns, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-all}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}]
`,
		},
	})
}
