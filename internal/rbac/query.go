package rbac

import (
	"cmp"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Grant is one binding that allows a request to a subject.
type Grant struct {
	Binding Ref `json:"binding"`
	Role    Ref `json:"role"`
	// Subject is the binding's subject that applies (a group the subject
	// is in, for instance).
	Subject Subject `json:"subject"`
	// Rule is the role's first rule that allows the request.
	Rule rbacv1.PolicyRule `json:"rule"`
	// AggregatedFrom is the ClusterRole the rule was aggregated from, when
	// the role is an aggregated ClusterRole.
	AggregatedFrom string `json:"aggregatedFrom,omitempty"`
}

// masters is the group the API server allows everything without asking
// RBAC (its "privileged group"); mastersGrant says so in an answer.
var (
	masters      = Group("system:masters")
	mastersGrant = Grant{Subject: masters, Role: Ref{Kind: "Group", Name: "system:masters"}}
)

// SubjectGrants is a subject and the grants that allow it a request.
type SubjectGrants struct {
	Subject Subject `json:"subject"`
	Grants  []Grant `json:"grants"`
}

// hit is a binding that allows a request and the first of its rules that
// does.
type hit struct {
	b    *binding
	rule *rule
}

// hits returns the bindings that can allow req, ClusterRoleBindings first,
// in name order.
func (m *Model) hits(req Request) []hit {
	cluster := m.cluster
	if req.IsResource() {
		cluster = m.clusterMatching(req)
	}
	// Most of the ClusterRoleBindings that match the request's verb, group
	// and resource allow it: one allocation holds them.
	out := make([]hit, 0, len(cluster))
	scan := func(bs []*binding) {
		for _, b := range bs {
			for i := range b.rules {
				if RuleAllows(&b.rules[i].PolicyRule, req) {
					out = append(out, hit{b, &b.rules[i]})
					break
				}
			}
		}
	}
	scan(cluster)
	if ns := req.scope(); ns != "" {
		scan(m.namespaced[ns])
	}
	return out
}

// clusterMatching returns, in order, the ClusterRoleBindings with a rule
// that matches the verb, group and resource of the resource request req,
// whatever its name: the others cannot allow req. Paths asks the same
// request of many roles by name, each time of every binding.
func (m *Model) clusterMatching(req Request) []*binding {
	key := Request{Verb: req.Verb, Group: req.Group, Resource: req.Resource, Subresource: req.Subresource}
	if v, ok := m.clusterFor.Load(key); ok {
		return v.([]*binding)
	}
	var out []*binding
	for _, b := range m.cluster {
		for i := range b.rules {
			r := &b.rules[i].PolicyRule
			if VerbMatches(r, key.Verb) && GroupMatches(r, key.Group) && ResourceMatches(r, key.Resource, key.Subresource) {
				out = append(out, b)
				break
			}
		}
	}
	v, _ := m.clusterFor.LoadOrStore(key, out)
	return v.([]*binding)
}

// grant returns the grant of h to an identity with keys, if a subject of
// the binding applies to it (the first one that does, as the authorizer).
func (h hit) grant(keys []string) (Grant, bool) {
	for _, s := range h.b.subjects {
		k := subjectKey(s, h.b.ref.Namespace)
		if k == "" || !slices.Contains(keys, k) {
			continue
		}
		sub, _ := subjectOf(s, h.b.ref.Namespace)
		return Grant{Binding: h.b.ref, Role: h.b.role, Subject: sub, Rule: h.rule.PolicyRule, AggregatedFrom: h.rule.from}, true
	}
	return Grant{}, false
}

// Allowed reports whether the RBAC authorizer allows req to subject, and
// every binding that does.
func (m *Model) Allowed(subject Subject, req Request) (bool, []Grant) {
	if subject == masters {
		return true, []Grant{mastersGrant}
	}
	keys := identityKeys(subject)
	var grants []Grant
	for _, h := range m.hits(req) {
		if g, ok := h.grant(keys); ok {
			grants = append(grants, g)
		}
	}
	return len(grants) > 0, grants
}

// WhoCan returns every subject allowed req among the subjects named in any
// binding and the inventory's ServiceAccounts, each with the grants that
// allow it, sorted by kind (users, groups, ServiceAccounts), namespace and
// name.
func (m *Model) WhoCan(req Request) []SubjectGrants {
	hits := m.hits(req)
	if len(hits) == 0 {
		if slices.Contains(m.candidates, masters) {
			return []SubjectGrants{{Subject: masters, Grants: []Grant{mastersGrant}}}
		}
		return nil
	}
	// For each identity key, the first subject of each allowing binding
	// that the key satisfies.
	type entry struct{ hit, subject int }
	byKey := map[string][]entry{}
	for hi, h := range hits {
		for si, s := range h.b.subjects {
			if k := subjectKey(s, h.b.ref.Namespace); k != "" {
				byKey[k] = append(byKey[k], entry{hi, si})
			}
		}
	}
	var out []SubjectGrants
	first := map[int]int{} // hit -> first subject that applies
	for i, s := range m.candidates {
		if s == masters {
			// The API server allows it without asking RBAC.
			out = append(out, SubjectGrants{Subject: masters, Grants: []Grant{mastersGrant}})
			continue
		}
		clear(first)
		for _, k := range m.candidateKeys[i] {
			for _, e := range byKey[k] {
				if have, ok := first[e.hit]; !ok || e.subject < have {
					first[e.hit] = e.subject
				}
			}
		}
		if len(first) == 0 {
			continue
		}
		order := make([]int, 0, len(first))
		for hi := range first {
			order = append(order, hi)
		}
		slices.Sort(order)
		grants := make([]Grant, 0, len(order))
		for _, hi := range order {
			h := hits[hi]
			sub, _ := subjectOf(h.b.subjects[first[hi]], h.b.ref.Namespace)
			grants = append(grants, Grant{Binding: h.b.ref, Role: h.b.role, Subject: sub, Rule: h.rule.PolicyRule, AggregatedFrom: h.rule.from})
		}
		out = append(out, SubjectGrants{Subject: s, Grants: grants})
	}
	return out
}

// Subjects returns the subjects WhoCan considers, sorted.
func (m *Model) Subjects() []Subject { return slices.Clone(m.candidates) }

// Matrix is what one subject may do: for cluster-wide grants (Namespace
// "") and each namespace, the resources and non-resource URLs with the
// verbs allowed on them.
type Matrix struct {
	Subject Subject `json:"subject"`
	Scopes  []Scope `json:"scopes"`
}

// Scope is the access of a subject in one namespace, or cluster-wide.
type Scope struct {
	// Namespace is "" for what ClusterRoleBindings grant: cluster-scoped
	// resources, and namespaced ones in every namespace.
	Namespace string `json:"namespace"`
	Rows      []Row  `json:"rows"`
}

// Row is one resource (or non-resource URL) and the verbs allowed on it.
type Row struct {
	Group          string   `json:"group,omitempty"`
	Resource       string   `json:"resource,omitempty"`
	ResourceNames  []string `json:"resourceNames,omitempty"`
	NonResourceURL string   `json:"nonResourceURL,omitempty"`
	Verbs          []string `json:"verbs"`
}

// Can returns the access matrix of subject: the rules of every binding
// that applies to it, spread into one row per API group and resource (with
// their resourceNames) or non-resource URL, with the verbs merged. "*"
// stands for any verb, group or resource, as in the rules.
func (m *Model) Can(subject Subject) Matrix {
	keys := identityKeys(subject)
	type rowKey struct{ group, resource, names, url string }
	scopes := map[string]map[rowKey]*Row{}
	addRules := func(ns string, b *binding) {
		applies := false
		for _, s := range b.subjects {
			if k := subjectKey(s, b.ref.Namespace); k != "" && slices.Contains(keys, k) {
				applies = true
				break
			}
		}
		if !applies {
			return
		}
		rows := scopes[ns]
		if rows == nil {
			rows = map[rowKey]*Row{}
			scopes[ns] = rows
		}
		row := func(k rowKey, r Row, verbs []string) {
			have := rows[k]
			if have == nil {
				have = &r
				rows[k] = have
			}
			for _, v := range verbs {
				if !slices.Contains(have.Verbs, v) {
					have.Verbs = append(have.Verbs, v)
				}
			}
		}
		for _, r := range b.rules {
			if len(r.Verbs) == 0 {
				continue
			}
			names := slices.Clone(r.ResourceNames)
			slices.Sort(names)
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					row(rowKey{g, res, strings.Join(names, "\x00"), ""}, Row{Group: g, Resource: res, ResourceNames: names}, r.Verbs)
				}
			}
			if ns == "" {
				for _, u := range r.NonResourceURLs {
					row(rowKey{url: u}, Row{NonResourceURL: u}, r.Verbs)
				}
			}
		}
	}
	for _, b := range m.cluster {
		addRules("", b)
	}
	for ns, bs := range m.namespaced {
		for _, b := range bs {
			addRules(ns, b)
		}
	}
	mx := Matrix{Subject: subject, Scopes: []Scope{}}
	for ns, rows := range scopes {
		sc := Scope{Namespace: ns, Rows: []Row{}}
		for _, r := range rows {
			slices.Sort(r.Verbs)
			sc.Rows = append(sc.Rows, *r)
		}
		slices.SortFunc(sc.Rows, func(a, b Row) int {
			return cmp.Or(cmp.Compare(len(a.NonResourceURL), 0)-cmp.Compare(len(b.NonResourceURL), 0),
				cmp.Compare(a.Group, b.Group), cmp.Compare(a.Resource, b.Resource),
				slices.Compare(a.ResourceNames, b.ResourceNames), cmp.Compare(a.NonResourceURL, b.NonResourceURL))
		})
		if len(sc.Rows) > 0 {
			mx.Scopes = append(mx.Scopes, sc)
		}
	}
	slices.SortFunc(mx.Scopes, func(a, b Scope) int { return cmp.Compare(a.Namespace, b.Namespace) })
	return mx
}
