package checks

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/check"
)

// rbacFinding is the part of a finding the rbac-* tests assert.
type rbacFinding struct {
	Object   string // Kind namespace/name or Kind name
	Path     string
	Reason   string
	Detail   string
	Severity check.Severity
}

// runCheckYAML runs the registered check id on the objects of manifests.
func runCheckYAML(t *testing.T, id check.ID, manifests string) []rbacFinding {
	t.Helper()
	var out []rbacFinding
	for _, f := range runOn(t, registered(t, id), "test.yaml", []byte(manifests)) {
		name := f.Object.Kind + " " + f.Object.Name()
		if ns := f.Object.Namespace(); ns != "" {
			name = f.Object.Kind + " " + ns + "/" + f.Object.Name()
		}
		out = append(out, rbacFinding{Object: name, Path: f.Path, Reason: f.Reason, Detail: f.Detail, Severity: f.Severity})
	}
	return out
}

// clusterRoleYAML returns a ClusterRole manifest; body holds its rules (and
// any other top-level fields), indented as top-level YAML.
func clusterRoleYAML(name, body string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: " + name + "\n" + body + "---\n"
}

// roleYAML returns a Role manifest.
func roleYAML(ns, name, body string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n" + body + "---\n"
}

// clusterRoleBindingYAML returns a ClusterRoleBinding manifest; subjects is
// a flow-style list.
func clusterRoleBindingYAML(name, refKind, refName, subjects string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: " + name +
		"\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + refKind + ", name: " + refName + "}\nsubjects: " + subjects + "\n---\n"
}

// roleBindingYAML returns a RoleBinding manifest.
func roleBindingYAML(ns, name, refKind, refName, subjects string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
		"\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + refKind + ", name: " + refName + "}\nsubjects: " + subjects + "\n---\n"
}

// rbacCase is one table entry of an rbac-* check test.
type rbacCase struct {
	name      string
	manifests string
	want      []rbacFinding
}

// runRBACCases runs check id on every case and compares the findings.
func runRBACCases(t *testing.T, id check.ID, cases []rbacCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := runCheckYAML(t, id, tc.manifests)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
