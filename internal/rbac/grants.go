package rbac

import (
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
)

// scopedRule is a rule a binding grants in ns ("" everywhere).
type scopedRule struct {
	rule *rbacv1.PolicyRule
	ns   string
	b    *binding
}

// rbacWriteVerbs are the verbs of RBAC objects that can give a subject a
// role it does not hold: writing a binding (with bind) and writing a role
// (with escalate).
var rbacWriteVerbs = []string{"create", "update", "patch", "bind", "escalate"}

// writesRBAC reports whether rule may allow writing bindings or roles, or
// binding or escalating roles: it names the RBAC API group and one of
// rbacWriteVerbs (either through "*").
func writesRBAC(rule *rbacv1.PolicyRule) bool {
	if !slices.Contains(rule.APIGroups, "*") && !slices.Contains(rule.APIGroups, rbacv1.GroupName) {
		return false
	}
	return slices.ContainsFunc(rule.Verbs, func(v string) bool { return v == "*" || slices.Contains(rbacWriteVerbs, v) })
}

// allowedBy returns the first of rules that allows req: a rule granted
// everywhere, or in req's namespace.
func allowedBy(rules []scopedRule, req Request) (scopedRule, bool) {
	for _, r := range rules {
		if (r.ns == "" || r.ns == req.Namespace) && RuleAllows(r.rule, req) {
			return r, true
		}
	}
	return scopedRule{}, false
}

func (r scopedRule) via() Via {
	return Via{Binding: r.b.ref, Role: r.b.role, Namespace: r.ns, Assumed: r.b.assumed}
}

// allGrant is the rule a role escalated to anything holds.
var allGrant = rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}

// grantCapabilities adds to keyCaps what nodes gain by giving themselves a
// role, as the API server's escalation check (see bindingHops) allows:
//
//   - Writing a RoleBinding in a namespace to a Role of that namespace or a
//     ClusterRole, with bind on it there, gives the role's rules in that
//     namespace; writing a ClusterRoleBinding to a ClusterRole, with bind
//     on it, gives its rules everywhere (a cluster-admin-equivalent one is
//     bindingHops' direct hop).
//   - Updating or patching a Role, or a ClusterRole a RoleBinding gives the
//     subject, with escalate on it, gives everything in the binding's
//     namespace (the cluster-wide case is bindingHops').
//
// Each capability carries the write as its pre hop. Only the namespaces
// that hold ServiceAccounts, workloads or token Secrets are tried, as
// nothing else is an edge's target, and only roles whose rules enable an
// edge. A node tries with the rules of all its identity keys when its own
// user (or, for a group node, its group) holds a rule that may write RBAC
// objects; the capabilities are its own (its group's, for a group node,
// which every member holds too). Not followed: a user whose write and bind
// come from two of its groups and not from itself.
func (g *graph) grantCapabilities(m *Model, keyRBAC map[string][]scopedRule, nodeKeys [][]string, skip func(int) bool, keyCaps map[string][]capability) {
	if len(keyRBAC) == 0 {
		return
	}
	nsSet := map[string]bool{}
	for ns := range g.saByNS {
		nsSet[ns] = true
	}
	for _, w := range g.workloads {
		nsSet[w.ns] = true
	}
	for _, t := range g.tokens {
		nsSet[t.ns] = true
	}
	namespaces := sortedKeys(nsSet)

	// templates holds the capabilities of a role's rules, granted
	// everywhere; nil for a role that enables no edge.
	templates := map[Ref][]capability{}
	template := func(role Ref, rules []rule) []capability {
		if caps, ok := templates[role]; ok {
			return caps
		}
		var caps []capability
		for i := range rules {
			caps = appendCapabilities(caps, &rules[i].PolicyRule, "", nil)
		}
		templates[role] = caps
		return caps
	}
	everything := appendCapabilities(nil, &allGrant, "", nil)
	roleNames := map[string][]string{}
	for k := range m.roleRules {
		roleNames[k.ns] = append(roleNames[k.ns], k.name)
	}
	for _, names := range roleNames {
		slices.Sort(names)
	}

	sigs := map[*rbacv1.PolicyRule]string{}
	const group = rbacv1.GroupName
	for n, keys := range nodeKeys {
		if n == 0 || skip(n) {
			continue
		}
		own := keys[0]
		if g.nodes[n].Kind == rbacv1.GroupKind {
			own = keys[1]
		}
		if len(keyRBAC[own]) == 0 {
			continue
		}
		var rules []scopedRule
		for _, k := range keys {
			rules = append(rules, keyRBAC[k]...)
		}
		// holdsAll reports whether the node holds every verb on every
		// resource in ns ("" everywhere) already: a role gives it nothing
		// more there.
		holdsAll := func(ns string) bool {
			return slices.ContainsFunc(rules, func(r scopedRule) bool {
				return (r.ns == "" || r.ns == ns) && RuleAllows(r.rule, Request{Verb: "*", Group: "*", Resource: "*", Namespace: ns})
			})
		}
		if holdsAll("") {
			continue
		}
		var added []capability
		// gained holds what the node gained in each namespace already:
		// a capability that adds nothing is not added again.
		gained := map[gainKey]bool{}
		novel := func(caps []capability, ns string) bool {
			return slices.ContainsFunc(caps, func(c capability) bool {
				return !(ns != "" && c.kind == EdgeNodeProxy) && !gained[gainOf(c, ns, sigs)]
			})
		}
		// gain adds the capabilities of caps, granted in ns through nb,
		// after the hop pre.
		gain := func(caps []capability, ns string, nb *binding, pre *Hop) {
			for _, c := range caps {
				if ns != "" && c.kind == EdgeNodeProxy {
					continue // cluster-scoped: not granted in a namespace
				}
				k := gainOf(c, ns, sigs)
				if gained[k] {
					continue
				}
				gained[k] = true
				c.ns, c.b, c.pre = ns, nb, pre
				added = append(added, c)
			}
		}

		// Binding writes.
		for _, ns := range append([]string{""}, namespaces...) {
			write := Request{Verb: "create", Group: group, Resource: "clusterrolebindings"}
			bindingKind := "ClusterRoleBinding"
			if ns != "" {
				write = Request{Verb: "create", Group: group, Resource: "rolebindings", Namespace: ns}
				bindingKind = "RoleBinding"
			}
			wr, ok := allowedBy(rules, write)
			if !ok || holdsAll(ns) {
				continue
			}
			try := func(role Ref, rules2 []rule, resource string) {
				caps := template(role, rules2)
				if !novel(caps, ns) || ns == "" && grantsAdmin(rules2) {
					return
				}
				bind := Request{Verb: "bind", Group: group, Resource: resource, Name: role.Name, Namespace: ns}
				br, ok := allowedBy(rules, bind)
				if !ok {
					return
				}
				req := write
				pre := &Hop{Edge: EdgeBindsRoles, Action: describe("create", group, write.Resource) + inNamespace(ns) + " to " + role.String(),
					Request: &req, Via: wr.via(),
					Also: []Need{{Action: describe("bind", group, resource) + " " + role.Name + inNamespace(ns), Request: bind, Via: br.via()}}}
				gain(caps, ns, &binding{ref: Ref{Kind: bindingKind, Namespace: ns}, role: role, found: true}, pre)
			}
			for _, r := range sortedKeys(m.clusterRules) {
				try(Ref{Kind: "ClusterRole", Name: r}, m.clusterRules[r], "clusterroles")
			}
			if ns != "" {
				for _, name := range roleNames[ns] {
					try(Ref{Kind: "Role", Name: name, Namespace: ns}, m.roleRules[nsName{ns, name}], "roles")
				}
			}
		}

		// Escalations of a role bound in one namespace.
		for _, ns := range namespaces {
			if holdsAll(ns) {
				continue
			}
			for _, b := range m.namespaced[ns] {
				if !slices.ContainsFunc(b.subjects, func(s rbacv1.Subject) bool {
					k := subjectKey(s, ns)
					return k != "" && slices.Contains(keys, k)
				}) {
					continue
				}
				if !b.found {
					continue // creating the missing role is not an update of it
				}
				resource, scope := "roles", ns
				if b.role.Kind == "ClusterRole" {
					resource, scope = "clusterroles", ""
				}
				esc := Request{Verb: "escalate", Group: group, Resource: resource, Name: b.role.Name, Namespace: scope}
				er, ok := allowedBy(rules, esc)
				if !ok {
					continue
				}
				for _, verb := range []string{"update", "patch"} {
					write := Request{Verb: verb, Group: group, Resource: resource, Name: b.role.Name, Namespace: scope}
					wr, ok := allowedBy(rules, write)
					if !ok {
						continue
					}
					req := write
					pre := &Hop{Edge: EdgeBindsRoles, Action: describe(verb, group, resource) + " " + b.role.Name + inNamespace(scope) + " bound by " + b.ref.String(),
						Request: &req, Via: wr.via(),
						Also: []Need{{Action: describe("escalate", group, resource) + " " + b.role.Name + inNamespace(scope), Request: esc, Via: er.via()}}}
					if novel(everything, ns) {
						gain(everything, ns, b, pre)
					}
					break
				}
			}
		}
		if len(added) > 0 {
			keyCaps[own] = append(keyCaps[own], added...)
		}
	}
}

func inNamespace(ns string) string {
	if ns == "" {
		return ""
	}
	return " in " + ns
}

// gainKey is what a capability gives in a namespace: its edge kind, and
// the rule it expands by, for the kinds whose edges depend on the rule.
type gainKey struct {
	kind EdgeKind
	ns   string
	rule string
}

// gainOf returns the gainKey of c granted in ns; sigs caches the rules'
// texts.
func gainOf(c capability, ns string, sigs map[*rbacv1.PolicyRule]string) gainKey {
	k := gainKey{kind: c.kind, ns: ns}
	switch c.kind {
	case EdgeRunsPodAs, EdgeCreatesTokenSecret, EdgeNodeProxy:
		return k // every rule that enables it enables the same edges
	}
	sig, ok := sigs[c.rule]
	if !ok {
		sig = c.rule.String()
		sigs[c.rule] = sig
	}
	k.rule = sig
	return k
}

// rbacWriters returns m with only the bindings that grant a rule
// writesRBAC allows, for questions about RBAC writes alone.
func (m *Model) rbacWriters() *Model {
	keep := func(bs []*binding) []*binding {
		var out []*binding
		for _, b := range bs {
			if slices.ContainsFunc(b.rules, func(r rule) bool { return writesRBAC(&r.PolicyRule) }) {
				out = append(out, b)
			}
		}
		return out
	}
	v := &Model{cluster: keep(m.cluster), namespaced: map[string][]*binding{}}
	for ns, bs := range m.namespaced {
		if kept := keep(bs); len(kept) > 0 {
			v.namespaced[ns] = kept
		}
	}
	return v
}

// secretRead is a request that reads back a Secret one created.
type secretRead struct {
	action string
	req    Request
}

// readsSecrets returns the request by which rule, granted in scope ("*"
// for every namespace), lets a subject read back a Secret it creates: get
// (of a name the rule lists, when it lists names: the subject chooses the
// name it creates), list or watch.
func readsSecrets(rule *rbacv1.PolicyRule, scope string) (secretRead, bool) {
	get := Request{Verb: "get", Resource: "secrets", Namespace: scope}
	if RuleAllows(rule, get) {
		return secretRead{"get secrets (the Secret it creates)", Request{Verb: "get", Resource: "secrets"}}, true
	}
	if len(rule.ResourceNames) > 0 {
		get.Name = rule.ResourceNames[0]
		if RuleAllows(rule, get) {
			return secretRead{"get secrets " + get.Name + " (the name it gives the Secret it creates)", Request{Verb: "get", Resource: "secrets", Name: get.Name}}, true
		}
	}
	for _, verb := range []string{"list", "watch"} {
		if RuleAllows(rule, Request{Verb: verb, Resource: "secrets", Namespace: scope}) {
			return secretRead{verb + " secrets", Request{Verb: verb, Resource: "secrets"}}, true
		}
	}
	return secretRead{}, false
}

// touchesSecrets reports whether rule may allow creating or reading
// Secrets.
func touchesSecrets(rule *rbacv1.PolicyRule) bool {
	if !slices.Contains(rule.APIGroups, "*") && !slices.Contains(rule.APIGroups, "") {
		return false
	}
	return slices.ContainsFunc(rule.Resources, func(r string) bool { return r == "*" || r == "secrets" })
}

// secretCapabilities adds to keyCaps the creates-token-secret edges that
// a node has by creating Secrets with one grant and reading them back
// with another (those a single rule allows are appendCapabilities'), in
// the namespaces that hold ServiceAccounts. As in grantCapabilities, a
// node tries with the rules of all its identity keys when its own user (or
// group, for a group node) holds a rule on Secrets.
func (g *graph) secretCapabilities(keySecrets map[string][]scopedRule, nodeKeys [][]string, skip func(int) bool, keyCaps map[string][]capability) {
	for n, keys := range nodeKeys {
		if n == 0 || skip(n) {
			continue
		}
		own := keys[0]
		if g.nodes[n].Kind == rbacv1.GroupKind {
			own = keys[1]
		}
		if len(keySecrets[own]) == 0 {
			continue
		}
		var rules []scopedRule
		for _, k := range keys {
			rules = append(rules, keySecrets[k]...)
		}
		for _, ns := range g.saNamespaces {
			create, ok := allowedBy(rules, Request{Verb: "create", Resource: "secrets", Namespace: ns})
			if !ok {
				continue
			}
			if _, same := readsSecrets(create.rule, ns); same {
				continue // appendCapabilities' edge
			}
			for _, r := range rules {
				if r.ns != "" && r.ns != ns {
					continue
				}
				read, ok := readsSecrets(r.rule, ns)
				if !ok {
					continue
				}
				keyCaps[own] = append(keyCaps[own], capability{kind: EdgeCreatesTokenSecret, ns: ns, rule: create.rule, b: create.b,
					req: Request{Verb: "create", Resource: "secrets"}, also: []Need{{Action: read.action, Request: read.req, Via: r.via()}}})
				break
			}
		}
	}
}
