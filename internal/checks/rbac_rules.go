package checks

// The RBAC rule matcher and the binding index shared by the rbac-* checks.
//
// Matching follows the RBAC authorizer of kube-apiserver exactly
// (k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go and
// plugin/pkg/auth/authorizer/rbac): "*" in verbs, apiGroups and resources
// matches everything; "*/x" in resources matches subresource x of every
// resource, and nothing else is a pattern ("pods/*" names a subresource
// called "*", which no request carries); resourceNames only ever narrow a
// rule, and a request without an object name (create on a collection,
// deletecollection) never matches a rule that lists resourceNames;
// nonResourceURLs take part only in non-resource requests, where a trailing
// "*" is a prefix match.

import (
	"sort"
	"strconv"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/rbac"
	"github.com/kubestride/kubestride/internal/source"
)

// rbacResource is what a resource request acts on: an API group, a resource
// and optionally a subresource.
type rbacResource struct {
	group, resource, subresource string
}

// String returns "resource" or "resource/subresource".
func (r rbacResource) String() string {
	if r.subresource == "" {
		return r.resource
	}
	return r.resource + "/" + r.subresource
}

// ruleMatches reports whether rule lists verb, the group and the resource
// of res (or wildcards that cover them), whatever its resourceNames.
func ruleMatches(rule *rbacv1.PolicyRule, verb string, res rbacResource) bool {
	return rbac.VerbMatches(rule, verb) && rbac.GroupMatches(rule, res.group) && rbac.ResourceMatches(rule, res.resource, res.subresource)
}

// ruleAllows reports whether rule allows the resource request verb on res
// for the object name, as the RBAC authorizer decides (package rbac). name
// is "" for a request without an object name: create on a collection,
// deletecollection, list and watch.
func ruleAllows(rule *rbacv1.PolicyRule, verb string, res rbacResource, name string) bool {
	return rbac.RuleAllows(rule, rbac.Request{Verb: verb, Group: res.group, Resource: res.resource, Subresource: res.subresource, Name: name})
}

// rbacReach says how far a rule reaches for one verb on one resource.
type rbacReach int

const (
	// reachNone: the rule grants nothing there.
	reachNone rbacReach = iota
	// reachNamed: the rule grants it only on the objects its resourceNames
	// lists.
	reachNamed
	// reachAll: the rule grants it on every object.
	reachAll
)

// ruleReach reports whether rule grants verb on res for every object, only
// for the objects it names, or not at all. A request that never carries an
// object name (create on a collection, deletecollection) is granted only by
// a rule without resourceNames (or, literally, by a resourceNames entry "").
func ruleReach(rule *rbacv1.PolicyRule, verb string, res rbacResource) rbacReach {
	switch {
	case !ruleMatches(rule, verb, res):
		return reachNone
	case len(rule.ResourceNames) == 0:
		return reachAll
	case namelessRequest(verb, res):
		if ruleAllows(rule, verb, res, "") {
			return reachAll
		}
		return reachNone
	}
	return reachNamed
}

// namelessRequest reports whether a request for verb on res never carries an
// object name. list and watch carry one when they select metadata.name, so
// they are not nameless.
func namelessRequest(verb string, res rbacResource) bool {
	return verb == "deletecollection" || (verb == "create" && res.subresource == "")
}

// rbacGrant is a set of dangerous verbs on a set of resources.
type rbacGrant struct {
	verbs   []string
	targets []rbacResource
}

// match returns the verbs and targets of g that rule grants (a rule grants
// the product of its verbs and resources, so every verb returned applies to
// every target returned), and whether the rule grants them only on the
// objects it names.
func (g rbacGrant) match(rule *rbacv1.PolicyRule) (verbs []string, targets []rbacResource, named bool) {
	for _, t := range g.targets {
		if rbac.GroupMatches(rule, t.group) && rbac.ResourceMatches(rule, t.resource, t.subresource) {
			targets = append(targets, t)
		}
	}
	if len(targets) == 0 {
		return nil, nil, false
	}
	if len(rule.ResourceNames) == 0 {
		for _, v := range g.verbs {
			if rbac.VerbMatches(rule, v) {
				verbs = append(verbs, v)
			}
		}
		if len(verbs) == 0 {
			return nil, nil, false
		}
		return verbs, targets, false
	}
	// With resourceNames, a verb that never carries a name on a target
	// grants nothing there (unless the rule lists the name "").
	kept := make([]bool, len(targets))
	named = true
	for _, v := range g.verbs {
		hit := false
		for i, t := range targets {
			switch ruleReach(rule, v, t) {
			case reachNone:
				continue
			case reachAll:
				named = false
			}
			hit, kept[i] = true, true
		}
		if hit {
			verbs = append(verbs, v)
		}
	}
	if len(verbs) == 0 {
		return nil, nil, false
	}
	out := targets[:0]
	for i, t := range targets {
		if kept[i] {
			out = append(out, t)
		}
	}
	return verbs, out, named
}

// grantPhrase words a grant: `get, list on secrets` or, for a rule limited
// by resourceNames, `get on secrets named "db" only`.
func grantPhrase(verbs []string, targets []rbacResource, rule *rbacv1.PolicyRule, named bool) string {
	var b strings.Builder
	b.WriteString(strings.Join(verbs, ", "))
	b.WriteString(" on ")
	for i, t := range targets {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.String())
	}
	if named {
		b.WriteString(" named ")
		b.WriteString(joinQuote(rule.ResourceNames))
		b.WriteString(" only")
	}
	return b.String()
}

// rbacRule is one rule a role grants, with where it is written. A rule of an
// aggregated ClusterRole is written in another ClusterRole (source), and the
// aggregated role pulls it in through one of its selectors.
type rbacRule struct {
	rule *rbacv1.PolicyRule
	// index is the rule's position in the rules of the role that writes it.
	index int
	// source is the ClusterRole that writes the rule when it is aggregated;
	// "" for the role's own rules.
	source string
	// selector is the index of the aggregationRule.clusterRoleSelectors
	// entry that pulled the rule in; -1 for the role's own rules.
	selector int
}

// path returns the path of field ("verbs", "resources") of the rule in the
// role being reported: the rule's own field, or for an aggregated rule the
// selector that pulled it in.
func (r rbacRule) path(field string) string {
	if r.selector >= 0 {
		return fieldpath.Index("aggregationRule.clusterRoleSelectors", r.selector)
	}
	return fieldpath.Key(fieldpath.Index("rules", r.index), field)
}

// ref names the rule: "rules[2]" or `rules[2] of aggregated ClusterRole "x"`.
func (r rbacRule) ref() string {
	s := fieldpath.Index("rules", r.index)
	if r.source != "" {
		s += " of aggregated ClusterRole " + strconv.Quote(r.source)
	}
	return s
}

// ownRules returns rules as a role's own rbacRules.
func ownRules(rules []rbacv1.PolicyRule) []rbacRule {
	out := make([]rbacRule, len(rules))
	for i := range rules {
		out[i] = rbacRule{rule: &rules[i], index: i, selector: -1}
	}
	return out
}

// rbacBinding is a RoleBinding or ClusterRoleBinding.
type rbacBinding struct {
	obj *source.Object
	// cluster is true for a ClusterRoleBinding.
	cluster  bool
	roleRef  rbacv1.RoleRef
	subjects []rbacv1.Subject
}

// String names the binding: `ClusterRoleBinding "ops"` or
// `RoleBinding dev/ops`.
func (b *rbacBinding) String() string {
	if b.cluster {
		return "ClusterRoleBinding " + strconv.Quote(b.obj.Name())
	}
	return namespacedNoun("RoleBinding", b.obj.Namespace(), b.obj.Name())
}

// subjectNoun names a subject: `ServiceAccount kube-system/ci`,
// `User "alice"`, `Group "devs"`.
func (b *rbacBinding) subjectNoun(s rbacv1.Subject) string {
	if s.Kind == rbacv1.ServiceAccountKind {
		return namespacedNoun("ServiceAccount", b.subjectNamespace(s), s.Name)
	}
	return s.Kind + " " + strconv.Quote(s.Name)
}

// subjectNamespace returns a ServiceAccount subject's namespace; a
// RoleBinding's own namespace stands in when the subject sets none, as the
// authorizer does.
func (b *rbacBinding) subjectNamespace(s rbacv1.Subject) string {
	if s.Namespace == "" && !b.cluster {
		return b.obj.Namespace()
	}
	return s.Namespace
}

// namespacedNoun returns `Kind ns/name`, or `Kind "name"` without a
// namespace.
func namespacedNoun(kind, ns, name string) string {
	if ns == "" {
		return kind + " " + strconv.Quote(name)
	}
	return kind + " " + ns + "/" + name
}

// rbacRoleKey identifies a role as a roleRef reaches it. namespace is "" for
// a ClusterRole.
type rbacRoleKey struct {
	kind, namespace, name string
}

// rbacHolding is a binding that gives a role to its subjects.
type rbacHolding struct {
	binding *rbacBinding
	// through is the aggregated ClusterRole the binding references when the
	// role reaches the subjects by aggregation; "" when the binding
	// references the role itself.
	through string
}

// rbacIndex is the RBAC graph of an inventory: bindings by the role they
// reference and ClusterRole aggregation. Build it once per check run with
// newRBACIndex; it is not safe for concurrent use.
type rbacIndex struct {
	inv *inventory.Inventory
	// bindings lists every binding: ClusterRoleBindings, then RoleBindings,
	// each in load order; byRole indexes them by the role they reference.
	// Both are nil until the first call to holders.
	bindings []rbacBinding
	byRole   map[rbacRoleKey][]*rbacBinding
	// aggregates maps an aggregated ClusterRole to the ClusterRoles its
	// selectors match, in load order.
	aggregates map[*rbacv1.ClusterRole][]rbacAggregated
	// aggregatedBy maps a ClusterRole name to the names of the ClusterRoles
	// that aggregate it, including the default admin, edit and view roles
	// when the inventory does not hold them.
	aggregatedBy map[string][]string
	// effective memoizes clusterRoleRules.
	effective map[*rbacv1.ClusterRole][]rbacRule
}

// rbacAggregated is a ClusterRole pulled into an aggregated one by the
// selector at index selector.
type rbacAggregated struct {
	role     *rbacv1.ClusterRole
	selector int
}

// defaultAggregators are the default user-facing ClusterRoles and the label
// their aggregationRule selects.
var defaultAggregators = [...]struct{ name, label string }{
	{"admin", "rbac.authorization.k8s.io/aggregate-to-admin"},
	{"edit", "rbac.authorization.k8s.io/aggregate-to-edit"},
	{"view", "rbac.authorization.k8s.io/aggregate-to-view"},
}

// newRBACIndex indexes the ClusterRole aggregation of inv; the bindings are
// indexed on the first call to holders.
func newRBACIndex(inv *inventory.Inventory) *rbacIndex {
	ix := &rbacIndex{
		inv:          inv,
		aggregates:   make(map[*rbacv1.ClusterRole][]rbacAggregated),
		aggregatedBy: make(map[string][]string),
		effective:    make(map[*rbacv1.ClusterRole][]rbacRule),
	}
	ix.indexAggregation(inv)
	return ix
}

// indexBindings fills bindings and byRole.
func (ix *rbacIndex) indexBindings() {
	ix.bindings = allBindings(ix.inv)
	ix.byRole = make(map[rbacRoleKey][]*rbacBinding, len(ix.bindings))
	for i := range ix.bindings {
		b := &ix.bindings[i]
		var key rbacRoleKey
		switch {
		case b.roleRef.Kind == "ClusterRole":
			key = rbacRoleKey{"ClusterRole", "", b.roleRef.Name}
		case b.roleRef.Kind == "Role" && !b.cluster:
			key = rbacRoleKey{"Role", b.obj.Namespace(), b.roleRef.Name}
		default:
			continue // a ClusterRoleBinding cannot reference a Role
		}
		ix.byRole[key] = append(ix.byRole[key], b)
	}
}

// allBindings returns the ClusterRoleBindings, then the RoleBindings, of
// inv, each in load order.
func allBindings(inv *inventory.Inventory) []rbacBinding {
	out := make([]rbacBinding, 0, len(inv.ClusterRoleBindings)+len(inv.RoleBindings))
	for _, it := range inv.ClusterRoleBindings {
		out = append(out, rbacBinding{obj: it.Object, cluster: true, roleRef: it.Value.RoleRef, subjects: it.Value.Subjects})
	}
	for _, it := range inv.RoleBindings {
		out = append(out, rbacBinding{obj: it.Object, roleRef: it.Value.RoleRef, subjects: it.Value.Subjects})
	}
	return out
}

// roleNoun names the role a binding references: `ClusterRole "view"` or
// `Role dev/reader`.
func (b *rbacBinding) roleNoun() string {
	if b.roleRef.Kind == "Role" {
		return namespacedNoun("Role", b.obj.Namespace(), b.roleRef.Name)
	}
	return b.roleRef.Kind + " " + strconv.Quote(b.roleRef.Name)
}

// subjectPath returns the path of subjects[i].
func subjectPath(i int) string { return fieldpath.Index("subjects", i) }

// indexAggregation finds, for every aggregated ClusterRole, the ClusterRoles
// its selectors match.
func (ix *rbacIndex) indexAggregation(inv *inventory.Inventory) {
	type aggregator struct {
		name      string
		role      *rbacv1.ClusterRole
		selectors []labels.Selector // nil entries never match
		// matchesUnlabelled is true when a selector matches a role without
		// labels (an empty selector, or only DoesNotExist/NotIn terms).
		matchesUnlabelled bool
	}
	var aggs []aggregator
	var held [len(defaultAggregators)]bool
	for _, it := range inv.ClusterRoles {
		for i, d := range defaultAggregators {
			if it.Name() == d.name {
				held[i] = true
			}
		}
		ar := it.Value.AggregationRule
		if ar == nil || len(ar.ClusterRoleSelectors) == 0 {
			continue
		}
		a := aggregator{name: it.Name(), role: it.Value, selectors: make([]labels.Selector, len(ar.ClusterRoleSelectors))}
		for j := range ar.ClusterRoleSelectors {
			if sel, err := metav1.LabelSelectorAsSelector(&ar.ClusterRoleSelectors[j]); err == nil {
				a.selectors[j] = sel
				a.matchesUnlabelled = a.matchesUnlabelled || sel.Matches(labels.Set(nil))
			}
		}
		aggs = append(aggs, a)
	}
	for _, it := range inv.ClusterRoles {
		name := it.Name()
		if len(it.Value.Labels) > 0 {
			// The default admin, edit and view roles the inventory lacks
			// aggregate the roles labelled for them.
			for i, d := range defaultAggregators {
				if !held[i] && name != d.name && it.Value.Labels[d.label] == "true" {
					ix.aggregatedBy[name] = append(ix.aggregatedBy[name], d.name)
				}
			}
		}
		if len(aggs) == 0 {
			continue
		}
		set := labels.Set(it.Value.Labels)
		for _, a := range aggs {
			if len(set) == 0 && !a.matchesUnlabelled {
				continue
			}
			if it.Value == a.role || name == a.name {
				continue // the controller never aggregates a role into itself
			}
			for j, sel := range a.selectors {
				if sel != nil && sel.Matches(set) {
					ix.aggregates[a.role] = append(ix.aggregates[a.role], rbacAggregated{role: it.Value, selector: j})
					ix.aggregatedBy[name] = append(ix.aggregatedBy[name], a.name)
					break
				}
			}
		}
	}
}

// clusterRoleRules returns the rules a ClusterRole grants. For an aggregated
// ClusterRole whose selectors match ClusterRoles in the inventory, that is
// the union of their rules (the aggregation controller overwrites the role's
// own rules with it), followed transitively through matched roles that are
// aggregated themselves: the rules of every role reached that aggregates
// nothing, each once, in the order of a depth-first walk. An aggregation
// cycle adds nothing. Any other ClusterRole grants its own rules.
func (ix *rbacIndex) clusterRoleRules(cr *rbacv1.ClusterRole) []rbacRule {
	srcs := ix.aggregates[cr]
	if len(srcs) == 0 {
		return ownRules(cr.Rules)
	}
	if rules, ok := ix.effective[cr]; ok {
		return rules
	}
	var out []rbacRule
	seen := map[*rbacv1.ClusterRole]bool{cr: true}
	var walk func(role *rbacv1.ClusterRole, selector int)
	walk = func(role *rbacv1.ClusterRole, selector int) {
		if seen[role] {
			return
		}
		seen[role] = true
		if next := ix.aggregates[role]; len(next) > 0 {
			for _, src := range next {
				walk(src.role, selector)
			}
			return
		}
		for _, r := range ownRules(role.Rules) {
			r.source, r.selector = role.Name, selector
			out = append(out, r)
		}
	}
	for _, src := range srcs {
		walk(src.role, src.selector)
	}
	ix.effective[cr] = out
	return out
}

// holders returns the bindings that give the role kind ("Role" or
// "ClusterRole") namespace/name to at least one subject: the bindings that
// reference it, then, for a ClusterRole, the bindings of the ClusterRoles
// that aggregate it (transitively). They are sorted: direct ones first, then
// ClusterRoleBindings before RoleBindings, then by namespace and name.
func (ix *rbacIndex) holders(kind, namespace, name string) []rbacHolding {
	if ix.byRole == nil {
		ix.indexBindings()
	}
	if kind != "Role" {
		namespace = ""
	}
	var out []rbacHolding
	add := func(key rbacRoleKey, through string) {
		for _, b := range ix.byRole[key] {
			if len(b.subjects) > 0 {
				out = append(out, rbacHolding{binding: b, through: through})
			}
		}
	}
	add(rbacRoleKey{kind, namespace, name}, "")
	if kind == "ClusterRole" && len(ix.aggregatedBy[name]) > 0 {
		seen := map[string]bool{name: true}
		queue := append([]string(nil), ix.aggregatedBy[name]...)
		for len(queue) > 0 {
			agg := queue[0]
			queue = queue[1:]
			if seen[agg] {
				continue
			}
			seen[agg] = true
			add(rbacRoleKey{"ClusterRole", "", agg}, agg)
			queue = append(queue, ix.aggregatedBy[agg]...)
		}
	}
	if len(out) < 2 {
		return out
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.through == "") != (b.through == "") {
			return a.through == ""
		}
		if a.binding.cluster != b.binding.cluster {
			return a.binding.cluster
		}
		if an, bn := a.binding.obj.Namespace(), b.binding.obj.Namespace(); an != bn {
			return an < bn
		}
		if an, bn := a.binding.obj.Name(), b.binding.obj.Name(); an != bn {
			return an < bn
		}
		return a.through < b.through
	})
	return out
}

// Limits on how much of the holder list a detail spells out.
const (
	maxHoldersShown  = 3
	maxSubjectsShown = 3
)

// describeHolders words who holds a role: `bound to ServiceAccount
// kube-system/ci via ClusterRoleBinding "ops"`, with further bindings after
// ", " and `through ClusterRole "edit"` for a role held by aggregation; or
// "not bound in the scanned manifests".
func describeHolders(hs []rbacHolding) string {
	if len(hs) == 0 {
		return "not bound in the scanned manifests"
	}
	var b strings.Builder
	b.WriteString("bound to ")
	for i, h := range hs {
		if i == maxHoldersShown {
			n := len(hs) - maxHoldersShown
			b.WriteString(", and " + strconv.Itoa(n) + " more " + pluralize("binding", "bindings", n))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		for j, s := range h.binding.subjects {
			if j == maxSubjectsShown {
				n := len(h.binding.subjects) - maxSubjectsShown
				b.WriteString(" and " + strconv.Itoa(n) + " more " + pluralize("subject", "subjects", n))
				break
			}
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(h.binding.subjectNoun(s))
		}
		b.WriteString(" via ")
		b.WriteString(h.binding.String())
		if h.through != "" {
			b.WriteString(" through ClusterRole " + strconv.Quote(h.through))
		}
	}
	return b.String()
}
