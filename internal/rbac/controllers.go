package rbac

import (
	"cmp"
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// ControllerPrefix starts the names of the roles and bindings the API
// server's bootstrap policy gives kube-controller-manager's controllers.
const ControllerPrefix = "system:controller:"

// ControllerPolicy is the part of the API server's bootstrap RBAC policy
// that gives each controller of kube-controller-manager a ServiceAccount's
// power: the roles and bindings named system:controller:*. The
// controller manager runs each controller as the ServiceAccount of
// kube-system its bindings name (with --use-service-account-credentials,
// as kubeadm sets it).
type ControllerPolicy struct {
	ClusterRoles        []rbacv1.ClusterRole        `json:"clusterRoles"`
	ClusterRoleBindings []rbacv1.ClusterRoleBinding `json:"clusterRoleBindings"`
	Roles               []rbacv1.Role               `json:"roles"`
	RoleBindings        []rbacv1.RoleBinding        `json:"roleBindings"`
}

// controllers.yaml is the bootstrap controller policy of the Kubernetes
// line kubestride is built with, as the API server creates it; the e2e
// test TestBootstrapControllerPolicy compares it with a real API server's
// and rewrites it with -update. controllersJSON is the same policy in
// JSON, which decodes several times faster (every scan of manifests needs
// it); TestControllerPolicyJSON holds it equal to controllers.yaml and
// rewrites it with -update.
//
//go:embed controllers.json
var controllersJSON []byte

// BootstrapControllerPolicy returns the bootstrap controller policy
// kubestride assumes where a scan's input holds none of it.
var BootstrapControllerPolicy = sync.OnceValue(func() *ControllerPolicy {
	p, err := decodeControllerPolicy(controllersJSON)
	if err != nil {
		panic(fmt.Sprintf("rbac: embedded controller policy: %v", err))
	}
	return p
})

// decodeControllerPolicy reads a ControllerPolicy from JSON, with no
// field it does not know.
func decodeControllerPolicy(data []byte) (*ControllerPolicy, error) {
	var p ControllerPolicy
	strict, err := kjson.UnmarshalStrict(data, &p)
	if err != nil {
		return nil, err
	}
	if len(strict) > 0 {
		return nil, strict[0]
	}
	return &p, nil
}

// EncodeControllerPolicy returns p in the canonical form of
// controllers.yaml: only the names, namespaces, rules, subjects and role
// references, each list sorted by namespace and name.
func EncodeControllerPolicy(p *ControllerPolicy) ([]byte, error) {
	meta := func(m metav1.ObjectMeta) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace}
	}
	byName := func(a, b metav1.ObjectMeta) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	}
	var out ControllerPolicy
	for _, r := range p.ClusterRoles {
		out.ClusterRoles = append(out.ClusterRoles, rbacv1.ClusterRole{ObjectMeta: meta(r.ObjectMeta), Rules: r.Rules, AggregationRule: r.AggregationRule})
	}
	for _, b := range p.ClusterRoleBindings {
		out.ClusterRoleBindings = append(out.ClusterRoleBindings, rbacv1.ClusterRoleBinding{ObjectMeta: meta(b.ObjectMeta), Subjects: b.Subjects, RoleRef: b.RoleRef})
	}
	for _, r := range p.Roles {
		out.Roles = append(out.Roles, rbacv1.Role{ObjectMeta: meta(r.ObjectMeta), Rules: r.Rules})
	}
	for _, b := range p.RoleBindings {
		out.RoleBindings = append(out.RoleBindings, rbacv1.RoleBinding{ObjectMeta: meta(b.ObjectMeta), Subjects: b.Subjects, RoleRef: b.RoleRef})
	}
	slices.SortFunc(out.ClusterRoles, func(a, b rbacv1.ClusterRole) int { return byName(a.ObjectMeta, b.ObjectMeta) })
	slices.SortFunc(out.ClusterRoleBindings, func(a, b rbacv1.ClusterRoleBinding) int { return byName(a.ObjectMeta, b.ObjectMeta) })
	slices.SortFunc(out.Roles, func(a, b rbacv1.Role) int { return byName(a.ObjectMeta, b.ObjectMeta) })
	slices.SortFunc(out.RoleBindings, func(a, b rbacv1.RoleBinding) int { return byName(a.ObjectMeta, b.ObjectMeta) })
	body, err := yaml.Marshal(out)
	if err != nil {
		return nil, err
	}
	// creationTimestamp: null is what an empty ObjectMeta marshals to.
	body = []byte(strings.ReplaceAll(string(body), "    creationTimestamp: null\n", ""))
	return append([]byte("# The API server's bootstrap RBAC policy for kube-controller-manager's controllers\n"+
		"# (roles and bindings named system:controller:*), as a real API server creates it.\n"+
		"# Rewritten by: go test ./internal/e2e -run TestBootstrapControllerPolicy -update\n"), body...), nil
}

// withControllers returns m with the parts of the bootstrap controller
// policy whose bindings it lacks (by kind, namespace and name), and the
// ServiceAccounts those bindings name, which the controller manager
// creates. A live cluster always holds the bindings, which its API server
// creates, so nothing is assumed there: its ServiceAccounts are those that
// exist. m itself is not changed.
func (m *Model) withControllers() (*Model, []Subject) {
	p := BootstrapControllerPolicy()
	have := map[Ref]bool{}
	for _, b := range m.cluster {
		have[b.ref] = true
	}
	for _, bs := range m.namespaced {
		for _, b := range bs {
			have[b.ref] = true
		}
	}
	var crbs []rbacv1.ClusterRoleBinding
	for _, b := range p.ClusterRoleBindings {
		if !have[Ref{Kind: "ClusterRoleBinding", Name: b.Name}] {
			crbs = append(crbs, b)
		}
	}
	var rbs []rbacv1.RoleBinding
	for _, b := range p.RoleBindings {
		if !have[Ref{Kind: "RoleBinding", Name: b.Name, Namespace: b.Namespace}] {
			rbs = append(rbs, b)
		}
	}
	if len(crbs) == 0 && len(rbs) == 0 {
		return m, nil
	}
	// A new Model (not a copy: its cache of bindings by request is its
	// own) with m's fields.
	v := Model{candidates: m.candidates, candidateKeys: m.candidateKeys, aggregatedBy: m.aggregatedBy, byRole: m.byRole}
	v.clusterRules = maps.Clone(m.clusterRules)
	for _, r := range p.ClusterRoles {
		if _, ok := v.clusterRules[r.Name]; !ok {
			v.clusterRules[r.Name] = ownRules(r.Rules)
		}
	}
	v.roleRules = maps.Clone(m.roleRules)
	for _, r := range p.Roles {
		if _, ok := v.roleRules[nsName{r.Namespace, r.Name}]; !ok {
			v.roleRules[nsName{r.Namespace, r.Name}] = ownRules(r.Rules)
		}
	}
	seen := map[Subject]bool{}
	var sas []Subject
	assume := func(b *binding, ns string) {
		b.assumed = true
		for _, s := range b.subjects {
			if sub, ok := subjectOf(s, ns); ok && sub.Kind == rbacv1.ServiceAccountKind && !seen[sub] {
				seen[sub] = true
				sas = append(sas, sub)
			}
		}
	}
	v.cluster = slices.Clone(m.cluster)
	for _, crb := range crbs {
		b := &binding{ref: Ref{Kind: "ClusterRoleBinding", Name: crb.Name}, role: Ref{Kind: crb.RoleRef.Kind, Name: crb.RoleRef.Name}, subjects: crb.Subjects}
		b.rules, b.found = v.clusterRules[crb.RoleRef.Name]
		assume(b, "")
		v.cluster = append(v.cluster, b)
	}
	slices.SortFunc(v.cluster, func(a, b *binding) int { return cmp.Compare(a.ref.Name, b.ref.Name) })
	v.namespaced = maps.Clone(m.namespaced)
	for _, rb := range rbs {
		b := &binding{ref: Ref{Kind: "RoleBinding", Name: rb.Name, Namespace: rb.Namespace}, role: Ref{Kind: rb.RoleRef.Kind, Name: rb.RoleRef.Name}, subjects: rb.Subjects}
		if rb.RoleRef.Kind == "Role" {
			b.role.Namespace = rb.Namespace
			b.rules, b.found = v.roleRules[nsName{rb.Namespace, rb.RoleRef.Name}]
		} else {
			b.rules, b.found = v.clusterRules[rb.RoleRef.Name]
		}
		assume(b, rb.Namespace)
		bs := append(slices.Clone(v.namespaced[rb.Namespace]), b)
		slices.SortFunc(bs, func(a, b *binding) int { return cmp.Compare(a.ref.Name, b.ref.Name) })
		v.namespaced[rb.Namespace] = bs
	}
	slices.SortFunc(sas, compareSubjects)
	return &v, sas
}
