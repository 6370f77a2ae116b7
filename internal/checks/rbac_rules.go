package checks

// What the rbac-* checks share: grants matched against rules, bindings as
// the per-binding checks see them, and the wording of who holds a role. Who
// holds a role, and the rules an aggregated ClusterRole grants, come from
// package rbac's model (rbacModel), the one the SubjectAccessReview oracle
// verifies.
//
// Matching (package rbac) follows the RBAC authorizer of kube-apiserver exactly
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
	"cmp"
	"strconv"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/rbac"
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

// rbacRule is one rule a role grants, with where it is written (see
// rbac.RoleRule).
type rbacRule struct{ rbac.RoleRule }

// path returns the path of field ("verbs", "resources") of the rule in the
// role being reported: the rule's own field, or for an aggregated rule the
// selector that pulled it in.
func (r rbacRule) path(field string) string {
	if r.Selector >= 0 {
		return fieldpath.Index("aggregationRule.clusterRoleSelectors", r.Selector)
	}
	return fieldpath.Key(fieldpath.Index("rules", r.Index), field)
}

// ref names the rule: "rules[2]" or `rules[2] of aggregated ClusterRole "x"`.
func (r rbacRule) ref() string {
	s := fieldpath.Index("rules", r.Index)
	if r.From != "" {
		s += " of aggregated ClusterRole " + strconv.Quote(r.From)
	}
	return s
}

// rbacModel returns the RBAC model of inv, built once per inventory and
// shared by the checks.
func rbacModel(inv *inventory.Inventory) *rbac.Model {
	return inv.Derived(rbacModelKey{}, func(inv *inventory.Inventory) any { return rbac.Build(inv) }).(*rbac.Model)
}

type rbacModelKey struct{}

// rbacBinding is a RoleBinding or ClusterRoleBinding.
type rbacBinding struct {
	obj *object.Object
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

// Limits on how much of the holder list a detail spells out.
const (
	maxHoldersShown  = 3
	maxSubjectsShown = 3
)

// describeHolders words who holds a role: `bound to ServiceAccount
// kube-system/ci via ClusterRoleBinding "ops"`, with further bindings after
// ", ", `through ClusterRole "edit"` for a role held by aggregation, and the
// workloads that run with a ServiceAccount's token after it; or "not bound
// in the scanned manifests".
//
// Every finding on a role ends with the same sentence, after "; ", so that
// each finding read on its own (a JSON record, a SARIF result) says who
// holds the role. The table format spells it out once per role and says
// "holders as above" after that; it recognizes the sentence by its "; bound
// to " and its role (package report, appendMessage).
func describeHolders(hs []rbac.Holding, users saUsers) string {
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
		for j, s := range h.Subjects {
			if j == maxSubjectsShown {
				n := len(h.Subjects) - maxSubjectsShown
				b.WriteString(" and " + strconv.Itoa(n) + " more " + pluralize("subject", "subjects", n))
				break
			}
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(subjectNoun(s))
			if ws := users[s]; len(ws) > 0 {
				b.WriteString(" (used by " + ws[0])
				if len(ws) > 1 {
					b.WriteString(" and " + strconv.Itoa(len(ws)-1) + " more " + pluralize("workload", "workloads", len(ws)-1))
				}
				b.WriteString(")")
			}
		}
		b.WriteString(" via ")
		b.WriteString(bindingNoun(h.Binding))
		if h.Through != "" {
			b.WriteString(" through ClusterRole " + strconv.Quote(h.Through))
		}
	}
	return b.String()
}

// subjectNoun names a subject: `ServiceAccount kube-system/ci`,
// `User "alice"`, `Group "devs"`.
func subjectNoun(s rbac.Subject) string {
	if s.Kind == rbacv1.ServiceAccountKind {
		return namespacedNoun("ServiceAccount", s.Namespace, s.Name)
	}
	return s.Kind + " " + strconv.Quote(s.Name)
}

// bindingNoun names a binding: `ClusterRoleBinding "ops"` or
// `RoleBinding dev/ops`.
func bindingNoun(r rbac.Ref) string { return namespacedNoun(r.Kind, r.Namespace, r.Name) }

// saUsers maps a ServiceAccount to the workloads that run with its token
// mounted, named `Deployment ci/runner`, in load order.
type saUsers map[rbac.Subject][]string

// serviceAccountUsers returns the saUsers of inv, built once per inventory.
// A workload uses its ServiceAccount ("default" when it names none) unless
// its pod spec, or else the ServiceAccount, sets
// automountServiceAccountToken to false.
func serviceAccountUsers(inv *inventory.Inventory) saUsers {
	return inv.Derived(saUsersKey{}, func(inv *inventory.Inventory) any {
		out := saUsers{}
		for _, w := range inv.Workloads {
			ns := w.Namespace()
			if ns == "" {
				continue
			}
			name := cmp.Or(w.Spec.ServiceAccountName, w.Spec.DeprecatedServiceAccount, "default")
			mount := w.Spec.AutomountServiceAccountToken
			if mount == nil {
				if sa := inv.ServiceAccount(ns, name); sa != nil {
					mount = sa.Value.AutomountServiceAccountToken
				}
			}
			if mount != nil && !*mount {
				continue
			}
			sub := rbac.ServiceAccount(ns, name)
			out[sub] = append(out[sub], w.Kind+" "+ns+"/"+w.Name())
		}
		return out
	}).(saUsers)
}

type saUsersKey struct{}

// ownRules returns rules as a role's own rbacRules.
func ownRules(rules []rbacv1.PolicyRule) []rbacRule {
	out := make([]rbacRule, len(rules))
	for i := range rules {
		out[i] = rbacRule{rbac.RoleRule{Rule: &rules[i], Index: i, Selector: -1}}
	}
	return out
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
