package rbac

import (
	"cmp"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubestride/kubestride/internal/inventory"
)

// Ref names a role or a binding.
type Ref struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

func (r Ref) String() string {
	if r.Namespace != "" {
		return r.Kind + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind + " " + r.Name
}

// rule is a rule of a role with the ClusterRole it was aggregated from.
type rule struct {
	rbacv1.PolicyRule
	from string
}

// binding is a RoleBinding or ClusterRoleBinding with its role resolved.
type binding struct {
	ref      Ref
	role     Ref
	subjects []rbacv1.Subject
	rules    []rule
	// found is false when the role does not exist.
	found bool
}

// Model answers RBAC questions about one set of RBAC objects. It is
// read-only after Build and safe for concurrent use.
type Model struct {
	// cluster holds the ClusterRoleBindings, sorted by name.
	cluster []*binding
	// namespaced holds the RoleBindings of each namespace, sorted by name.
	namespaced map[string][]*binding
	// candidates are the subjects WhoCan considers: every subject named in
	// a binding and every ServiceAccount of the inventory, sorted.
	candidates []Subject
	// keys of each candidate (index-aligned).
	candidateKeys [][]string
}

type nsName struct{ ns, name string }

// clusterAdmin is the API server's bootstrap cluster-admin ClusterRole,
// which the model assumes when the inventory does not hold it: bindings to
// it are common in manifests, and without its rules they would grant
// nothing.
var clusterAdmin = &rbacv1.ClusterRole{
	ObjectMeta: metav1.ObjectMeta{Name: "cluster-admin"},
	Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}},
		{NonResourceURLs: []string{"*"}, Verbs: []string{"*"}},
	},
}

// Build resolves the RBAC objects of inv. Of several objects with the same
// kind, namespace and name, the last one counts.
func Build(inv *inventory.Inventory) *Model {
	clusterRoles := map[string]*rbacv1.ClusterRole{}
	for _, it := range inv.ClusterRoles {
		clusterRoles[it.Value.Name] = it.Value
	}
	if _, ok := clusterRoles[clusterAdmin.Name]; !ok {
		// Every cluster has it; manifests rarely carry it.
		clusterRoles[clusterAdmin.Name] = clusterAdmin
	}
	roles := map[nsName]*rbacv1.Role{}
	for _, it := range inv.Roles {
		roles[nsName{it.Value.Namespace, it.Value.Name}] = it.Value
	}
	effective := aggregate(clusterRoles)

	m := &Model{namespaced: map[string][]*binding{}}
	resolve := func(b *binding, ref rbacv1.RoleRef, ns string) {
		switch ref.Kind {
		case "ClusterRole":
			b.role = Ref{Kind: ref.Kind, Name: ref.Name}
			if _, ok := clusterRoles[ref.Name]; ok {
				b.rules, b.found = effective[ref.Name], true
			}
		case "Role":
			b.role = Ref{Kind: ref.Kind, Name: ref.Name, Namespace: ns}
			if r, ok := roles[nsName{ns, ref.Name}]; ok && ns != "" {
				b.found = true
				for _, pr := range r.Rules {
					b.rules = append(b.rules, rule{PolicyRule: pr})
				}
			}
		default:
			b.role = Ref{Kind: ref.Kind, Name: ref.Name, Namespace: ns}
		}
	}
	crbs := map[string]*binding{}
	for _, it := range inv.ClusterRoleBindings {
		v := it.Value
		b := &binding{ref: Ref{Kind: "ClusterRoleBinding", Name: v.Name}, subjects: v.Subjects}
		resolve(b, v.RoleRef, "")
		crbs[v.Name] = b
	}
	rbs := map[nsName]*binding{}
	for _, it := range inv.RoleBindings {
		v := it.Value
		if v.Namespace == "" {
			continue
		}
		b := &binding{ref: Ref{Kind: "RoleBinding", Name: v.Name, Namespace: v.Namespace}, subjects: v.Subjects}
		resolve(b, v.RoleRef, v.Namespace)
		rbs[nsName{v.Namespace, v.Name}] = b
	}
	for _, b := range crbs {
		m.cluster = append(m.cluster, b)
	}
	slices.SortFunc(m.cluster, func(a, b *binding) int { return cmp.Compare(a.ref.Name, b.ref.Name) })
	for k, b := range rbs {
		m.namespaced[k.ns] = append(m.namespaced[k.ns], b)
	}
	for _, bs := range m.namespaced {
		slices.SortFunc(bs, func(a, b *binding) int { return cmp.Compare(a.ref.Name, b.ref.Name) })
	}

	seen := map[Subject]bool{}
	add := func(s Subject) {
		if !seen[s] {
			seen[s] = true
			m.candidates = append(m.candidates, s)
		}
	}
	for _, bs := range append([][]*binding{m.cluster}, mapValues(m.namespaced)...) {
		for _, b := range bs {
			for _, s := range b.subjects {
				if sub, ok := subjectOf(s, b.ref.Namespace); ok {
					add(sub)
				}
			}
		}
	}
	for _, it := range inv.ServiceAccounts {
		if it.Value.Namespace != "" {
			add(ServiceAccount(it.Value.Namespace, it.Value.Name))
		}
	}
	slices.SortFunc(m.candidates, compareSubjects)
	for _, s := range m.candidates {
		m.candidateKeys = append(m.candidateKeys, identityKeys(s))
	}
	return m
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// subjectOf returns the subject a binding subject names, if it can name
// one: a ServiceAccount without a namespace is in the RoleBinding's
// namespace and, in a ClusterRoleBinding, is nobody.
func subjectOf(s rbacv1.Subject, bindingNS string) (Subject, bool) {
	switch s.Kind {
	case rbacv1.UserKind:
		return normalize(User(s.Name)), true
	case rbacv1.GroupKind:
		return Group(s.Name), true
	case rbacv1.ServiceAccountKind:
		ns := cmp.Or(s.Namespace, bindingNS)
		if ns == "" {
			return Subject{}, false
		}
		return ServiceAccount(ns, s.Name), true
	}
	return Subject{}, false
}

// subjectKey is the key an identity must hold for the binding subject s to
// apply to it: users and ServiceAccounts match by user name, groups by
// group; "" means it applies to nobody.
func subjectKey(s rbacv1.Subject, bindingNS string) string {
	switch s.Kind {
	case rbacv1.UserKind:
		return "u:" + s.Name
	case rbacv1.GroupKind:
		return "g:" + s.Name
	case rbacv1.ServiceAccountKind:
		ns := cmp.Or(s.Namespace, bindingNS)
		if ns == "" {
			return ""
		}
		return "u:" + saUserPrefix + ns + ":" + s.Name
	}
	return ""
}

// identityKeys are the keys of the identity s asks with.
func identityKeys(s Subject) []string {
	user, groups := Identity(s)
	keys := []string{"u:" + user}
	for _, g := range groups {
		keys = append(keys, "g:"+g)
	}
	return keys
}

// aggregate returns the effective rules of every ClusterRole: its own, or,
// with an aggregationRule, those of the ClusterRoles it selects.
func aggregate(roles map[string]*rbacv1.ClusterRole) map[string][]rule {
	names := make([]string, 0, len(roles))
	for n := range roles {
		names = append(names, n)
	}
	slices.Sort(names)
	out := map[string][]rule{}
	for _, n := range names {
		r := roles[n]
		if r.AggregationRule == nil {
			rules := make([]rule, len(r.Rules))
			for i, pr := range r.Rules {
				rules[i] = rule{PolicyRule: pr}
			}
			out[n] = rules
		}
	}
	for _, n := range names {
		if roles[n].AggregationRule == nil {
			continue
		}
		var rules []rule
		visited := map[string]bool{n: true}
		var walk func(r *rbacv1.ClusterRole)
		walk = func(r *rbacv1.ClusterRole) {
			for i := range r.AggregationRule.ClusterRoleSelectors {
				sel, err := metav1.LabelSelectorAsSelector(&r.AggregationRule.ClusterRoleSelectors[i])
				if err != nil {
					continue // the controller cannot aggregate it either
				}
				for _, sn := range names {
					s := roles[sn]
					if visited[sn] || !sel.Matches(labels.Set(s.Labels)) {
						continue
					}
					if s.AggregationRule != nil {
						visited[sn] = true
						walk(s)
						continue
					}
					for _, pr := range s.Rules {
						if !slices.ContainsFunc(rules, func(have rule) bool { return equality.Semantic.DeepEqual(have.PolicyRule, pr) }) {
							rules = append(rules, rule{PolicyRule: pr, from: sn})
						}
					}
				}
			}
		}
		walk(roles[n])
		out[n] = rules
	}
	return out
}
