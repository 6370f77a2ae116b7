package checks

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRBACEscalationPath(t *testing.T) {
	chain, err := os.ReadFile(filepath.Join("testdata", "rbac-escalation-path", "fail", "token-chain.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	runCases(t, "rbac-escalation-path", []checkCase{
		{
			name:     "a group reads a cluster-admin service account's token",
			manifest: string(chain),
			want: []finding{{
				Object: "RoleBinding ops/oncall-read",
				Path:   "subjects[0]",
				Reason: "privilege escalation path to cluster admin",
				Detail: `group:oncall must not be able to become cluster-admin-equivalent (2 steps: 1) get secret ops/ci-token via RoleBinding ops/oncall-read -> serviceaccount:ops:ci-deployer; 2) create, update, delete, get, list "*" resources in API group "*" via ClusterRoleBinding ci-admin -> cluster-admin-equivalent)`,
			}},
		},
		{
			name: "a user who may bind cluster roles but write no binding",
			manifest: clusterRole("binder", `rules:
- apiGroups: [rbac.authorization.k8s.io]
  resources: [clusterroles]
  verbs: [bind]
`) + `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: binder}
subjects:
- {kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}
`,
		},
		{
			name: "a user who may bind cluster-admin and create cluster role bindings",
			manifest: clusterRole("binder", `rules:
- apiGroups: [rbac.authorization.k8s.io]
  resources: [clusterroles]
  verbs: [bind]
  resourceNames: [cluster-admin]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [clusterrolebindings]
  verbs: [create]
`) + `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: binder}
subjects:
- {kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}
`,
			want: []finding{{
				Object: "ClusterRoleBinding binder",
				Path:   "subjects[0]",
				Reason: "privilege escalation path to cluster admin",
				Detail: "user:mallory must not be able to become cluster-admin-equivalent (1 step: 1) create clusterrolebindings.rbac.authorization.k8s.io to ClusterRole cluster-admin via ClusterRoleBinding binder and bind clusterroles.rbac.authorization.k8s.io cluster-admin via ClusterRoleBinding binder -> cluster-admin-equivalent)",
			}},
		},
		{
			name: "a subject that is cluster admin already is not a path",
			manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
subjects:
- {kind: Group, name: admins, apiGroup: rbac.authorization.k8s.io}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
`,
		},
	})
}
