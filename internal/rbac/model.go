package rbac

import (
	"cmp"
	"slices"
	"sync"

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
	if r.Name == "" { // a binding a hop of a path writes
		if r.Namespace != "" {
			return "a new " + r.Kind + " in " + r.Namespace
		}
		return "a new " + r.Kind
	}
	if r.Namespace != "" {
		return r.Kind + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind + " " + r.Name
}

// rule is a rule a role grants, with where it is written.
type rule struct {
	rbacv1.PolicyRule
	// from is the ClusterRole the rule was aggregated from; "" for the
	// role's own rules.
	from string
	// index is the rule's position in the rules of the role that writes it.
	index int
	// selector is the aggregationRule.clusterRoleSelectors entry of the
	// aggregated role that pulled the rule in; -1 for the role's own rules.
	selector int
}

// ownRules returns rules as a role's own.
func ownRules(rules []rbacv1.PolicyRule) []rule {
	out := make([]rule, len(rules))
	for i, pr := range rules {
		out[i] = rule{PolicyRule: pr, index: i, selector: -1}
	}
	return out
}

// binding is a RoleBinding or ClusterRoleBinding with its role resolved.
type binding struct {
	ref      Ref
	role     Ref
	subjects []rbacv1.Subject
	rules    []rule
	// found is false when the role does not exist.
	found bool
	// assumed is true for a binding of the bootstrap controller policy
	// that the input does not hold (see withControllers).
	assumed bool
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

	// clusterRules and roleRules are the rules each role grants, with
	// aggregation resolved.
	clusterRules map[string][]rule
	roleRules    map[nsName][]rule
	// aggregatedBy maps a ClusterRole to the ClusterRoles whose
	// aggregationRule selects it, in name order.
	aggregatedBy map[string][]string
	// byRole indexes the bindings that have subjects by the role they
	// reference.
	byRole map[Ref][]*binding

	// clusterFor caches, by a resource request without its name and
	// namespace, the ClusterRoleBindings with a rule that matches its verb,
	// group and resource: the only ones that may allow it (see hits).
	clusterFor sync.Map
}

type nsName struct{ ns, name string }

// bootstrapRoles are ClusterRoles of the API server's bootstrap policy that
// the model assumes when the inventory does not hold them, as bindings to
// them are common in manifests that do not carry them: cluster-admin with
// its rules, and the user-facing admin, edit and view with their
// aggregation rules and labels (edit is aggregated into admin, view into
// edit). Without their bootstrap rules, which kubestride does not carry,
// admin, edit and view grant what the scanned ClusterRoles labelled for
// them grant: less than a real cluster, never more.
var bootstrapRoles = []*rbacv1.ClusterRole{
	{
		ObjectMeta: metav1.ObjectMeta{Name: "cluster-admin"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}},
			{NonResourceURLs: []string{"*"}, Verbs: []string{"*"}},
		},
	},
	aggregatedBootstrapRole("admin", ""),
	aggregatedBootstrapRole("edit", "admin"),
	aggregatedBootstrapRole("view", "edit"),
}

// aggregatedBootstrapRole returns the bootstrap ClusterRole name, which
// aggregates the roles labelled aggregate-to-<name> and is itself labelled
// aggregate-to-<into> (unless into is "").
func aggregatedBootstrapRole(name, into string) *rbacv1.ClusterRole {
	r := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{
			{MatchLabels: map[string]string{aggregateLabel + name: "true"}},
		}},
	}
	if into != "" {
		r.Labels = map[string]string{aggregateLabel + into: "true"}
	}
	return r
}

const aggregateLabel = "rbac.authorization.k8s.io/aggregate-to-"

// Build resolves the RBAC objects of inv. Of several objects with the same
// kind, namespace and name, the last one counts.
func Build(inv *inventory.Inventory) *Model {
	clusterRoles := map[string]*rbacv1.ClusterRole{}
	for _, it := range inv.ClusterRoles {
		clusterRoles[it.Value.Name] = it.Value
	}
	// Every cluster has these; manifests rarely carry them.
	for _, r := range bootstrapRoles {
		if _, ok := clusterRoles[r.Name]; !ok {
			clusterRoles[r.Name] = r
		}
	}
	m := &Model{namespaced: map[string][]*binding{}, roleRules: map[nsName][]rule{}, byRole: map[Ref][]*binding{}}
	for _, it := range inv.Roles {
		if it.Value.Namespace != "" {
			m.roleRules[nsName{it.Value.Namespace, it.Value.Name}] = ownRules(it.Value.Rules)
		}
	}
	m.clusterRules, m.aggregatedBy = aggregate(clusterRoles)

	resolve := func(b *binding, ref rbacv1.RoleRef, ns string) {
		switch ref.Kind {
		case "ClusterRole":
			b.role = Ref{Kind: ref.Kind, Name: ref.Name}
			b.rules, b.found = m.clusterRules[ref.Name]
		case "Role":
			b.role = Ref{Kind: ref.Kind, Name: ref.Name, Namespace: ns}
			if ns != "" {
				b.rules, b.found = m.roleRules[nsName{ns, ref.Name}]
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
	for _, bs := range append([][]*binding{m.cluster}, mapValues(m.namespaced)...) {
		for _, b := range bs {
			if (b.role.Kind == "ClusterRole" || b.role.Kind == "Role" && b.ref.Namespace != "") && len(b.subjects) > 0 {
				m.byRole[b.role] = append(m.byRole[b.role], b)
			}
		}
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
// with an aggregationRule, the rules of the ClusterRoles it selects (the
// aggregation controller overwrites the role's own rules with them, with
// nothing when nothing matches), followed through selected roles that are
// aggregated themselves, each distinct rule once.
//
// Aggregation cycles (A's aggregationRule selects B and B's selects A,
// possibly through more roles) have no single answer. The controller sets an
// aggregated role's rules to the union of the CURRENT rules of every other
// ClusterRole its selectors match, so in a cycle what each role ends with
// depends on the order the controller syncs them: syncing A then B leaves
// both with B's written rules, B then A both with A's. Every order's result
// is a subset of the union of the rules written in the cycle's roles and of
// what the cycle's roles select. Each role of a cycle (and each role that
// selects one) gets that union: the model never sees less than the
// controller may grant, which for a security answer is the side to err on.
// An acyclic aggregated role's own written rules stay replaced, as the
// controller replaces them for good once it has synced.
//
// It also returns, for every ClusterRole, the aggregated ClusterRoles that
// select it.
func aggregate(roles map[string]*rbacv1.ClusterRole) (map[string][]rule, map[string][]string) {
	names := make([]string, 0, len(roles))
	for n := range roles {
		names = append(names, n)
	}
	slices.Sort(names)
	// selects lists, for each aggregated ClusterRole, the ClusterRoles
	// each of its selectors matches (a selector that does not parse
	// matches nothing, as for the controller).
	selects := map[string][][]string{}
	aggregatedBy := map[string][]string{}
	for _, n := range names {
		ar := roles[n].AggregationRule
		if ar == nil {
			continue
		}
		per := make([][]string, len(ar.ClusterRoleSelectors))
		for i := range ar.ClusterRoleSelectors {
			sel, err := metav1.LabelSelectorAsSelector(&ar.ClusterRoleSelectors[i])
			if err != nil {
				continue
			}
			for _, sn := range names {
				if sn != n && sel.Matches(labels.Set(roles[sn].Labels)) {
					per[i] = append(per[i], sn)
					if by := aggregatedBy[sn]; len(by) == 0 || by[len(by)-1] != n {
						aggregatedBy[sn] = append(by, n)
					}
				}
			}
		}
		selects[n] = per
	}
	inCycle := aggregationCycles(names, selects)
	out := make(map[string][]rule, len(names))
	for _, n := range names {
		per, ok := selects[n]
		if !ok {
			out[n] = ownRules(roles[n].Rules)
			continue
		}
		var rules []rule
		add := func(name string, selector int) {
			from := name
			if name == n {
				from = "" // the role's own rules, come back round the cycle
			}
			for i, pr := range roles[name].Rules {
				if !slices.ContainsFunc(rules, func(have rule) bool { return equality.Semantic.DeepEqual(have.PolicyRule, pr) }) {
					rules = append(rules, rule{PolicyRule: pr, from: from, index: i, selector: selector})
				}
			}
		}
		if inCycle[n] {
			add(n, -1)
		}
		visited := map[string]bool{n: true}
		var walk func(name string, selector int)
		walk = func(name string, selector int) {
			if visited[name] {
				return
			}
			visited[name] = true
			next, aggregated := selects[name]
			if !aggregated || inCycle[name] {
				// A role of a cycle may hold its written rules
				// (see above); any other aggregated role's are replaced.
				add(name, selector)
			}
			for _, sel := range next {
				for _, sn := range sel {
					walk(sn, selector)
				}
			}
		}
		for i, sel := range per {
			for _, sn := range sel {
				walk(sn, i)
			}
		}
		out[n] = rules
	}
	return out, aggregatedBy
}

// aggregationCycles returns the aggregated ClusterRoles that are in an
// aggregation cycle: a strongly connected component, of two roles or more,
// of the graph in which each aggregated role points to the aggregated roles
// its selectors match (selects; a role never selects itself, as the
// controller leaves a role out of its own aggregation). It is Tarjan's
// algorithm over names, in name order.
func aggregationCycles(names []string, selects map[string][][]string) map[string]bool {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	cyclic := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		index[n] = len(index)
		low[n] = index[n]
		stack = append(stack, n)
		onStack[n] = true
		for _, sel := range selects[n] {
			for _, sn := range sel {
				if _, aggregated := selects[sn]; !aggregated {
					continue
				}
				if _, seen := index[sn]; !seen {
					visit(sn)
					low[n] = min(low[n], low[sn])
				} else if onStack[sn] {
					low[n] = min(low[n], index[sn])
				}
			}
		}
		if low[n] != index[n] {
			return
		}
		i := len(stack) - 1
		for stack[i] != n {
			i--
		}
		component := stack[i:]
		stack = stack[:i]
		for _, c := range component {
			onStack[c] = false
			if len(component) > 1 {
				cyclic[c] = true
			}
		}
	}
	for _, n := range names {
		if _, aggregated := selects[n]; aggregated {
			if _, seen := index[n]; !seen {
				visit(n)
			}
		}
	}
	return cyclic
}

// RoleRule is a rule a role grants, with where it is written.
type RoleRule struct {
	Rule *rbacv1.PolicyRule
	// Index is the rule's position in the rules of the role that writes it.
	Index int
	// From is the ClusterRole that writes the rule when the role is an
	// aggregated ClusterRole; "" for the role's own rules.
	From string
	// Selector is the aggregationRule.clusterRoleSelectors entry of the
	// aggregated role that pulled the rule in; -1 for the role's own rules.
	Selector int
}

// Rules returns the rules the role (a Role or ClusterRole Ref) grants, with
// aggregation resolved, and whether the role exists.
func (m *Model) Rules(role Ref) ([]RoleRule, bool) {
	var rules []rule
	var ok bool
	switch role.Kind {
	case "ClusterRole":
		rules, ok = m.clusterRules[role.Name]
	case "Role":
		rules, ok = m.roleRules[nsName{role.Namespace, role.Name}]
	}
	out := make([]RoleRule, len(rules))
	for i := range rules {
		r := &rules[i]
		out[i] = RoleRule{Rule: &r.PolicyRule, Index: r.index, From: r.from, Selector: r.selector}
	}
	return out, ok
}

// Holding is a binding that gives a role to subjects.
type Holding struct {
	Binding Ref
	// Subjects are the binding's subjects that name someone (a
	// ServiceAccount without a namespace in a ClusterRoleBinding names
	// nobody), in the binding's order; never empty.
	Subjects []Subject
	// Through is the aggregated ClusterRole the binding references when
	// it gives the role by aggregation; "" when it references the role.
	Through string
}

// Holders returns the bindings that give role (a Role or ClusterRole Ref)
// to someone: those that reference it, then, for a ClusterRole, those that
// reference a ClusterRole that aggregates it, transitively. Bindings that
// reference the role come first, then ClusterRoleBindings before
// RoleBindings, then by namespace, name and aggregated role.
func (m *Model) Holders(role Ref) []Holding {
	if role.Kind != "Role" {
		role.Namespace = ""
	}
	var out []Holding
	add := func(role Ref, through string) {
		for _, b := range m.byRole[role] {
			var subs []Subject
			for _, s := range b.subjects {
				if sub, ok := subjectOf(s, b.ref.Namespace); ok {
					subs = append(subs, sub)
				}
			}
			if len(subs) > 0 {
				out = append(out, Holding{Binding: b.ref, Subjects: subs, Through: through})
			}
		}
	}
	add(role, "")
	if role.Kind == "ClusterRole" {
		seen := map[string]bool{role.Name: true}
		queue := slices.Clone(m.aggregatedBy[role.Name])
		for len(queue) > 0 {
			agg := queue[0]
			queue = queue[1:]
			if seen[agg] {
				continue
			}
			seen[agg] = true
			add(Ref{Kind: "ClusterRole", Name: agg}, agg)
			queue = append(queue, m.aggregatedBy[agg]...)
		}
	}
	slices.SortStableFunc(out, func(a, b Holding) int {
		if (a.Through == "") != (b.Through == "") {
			if a.Through == "" {
				return -1
			}
			return 1
		}
		if ac, bc := a.Binding.Kind == "ClusterRoleBinding", b.Binding.Kind == "ClusterRoleBinding"; ac != bc {
			if ac {
				return -1
			}
			return 1
		}
		return cmp.Or(
			cmp.Compare(a.Binding.Namespace, b.Binding.Namespace),
			cmp.Compare(a.Binding.Name, b.Binding.Name),
			cmp.Compare(a.Through, b.Through))
	})
	return out
}
