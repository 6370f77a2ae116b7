package checks

// A subject that may create, update, delete, get and list every resource of
// every API group cluster-wide is a cluster administrator in all but name:
// it reads every Secret, runs pods as any service account and writes any
// binding. One finding says so, on the binding entry that makes it so,
// instead of a dozen findings about each rule of the role it holds.
//
// Inspected: every binding of the scanned set and the roles they reference
// (with the bootstrap cluster-admin ClusterRole assumed when absent), as
// package rbac's path analysis (rbac.Paths) reports them: the subjects whose
// path to cluster admin has zero hops, each with its first such grant.
// Allowed: no subject other than the group system:masters (which the API
// server allows everything before RBAC is asked) is
// cluster-admin-equivalent. A subject that is so only as a member of a bound
// group (a ServiceAccount of a bound system:serviceaccounts:<ns>) is the
// group's finding.
//
// Grouping: the findings of the other RBAC checks about the same grant are
// informational, with a detail that says why:
//   - cluster-admin-binding, for the binding entry this check reports;
//   - the per-role rbac-* checks (rbac-wildcard, rbac-escalate, rbac-bind,
//     rbac-impersonate, rbac-secrets-read, ...), for a ClusterRole that by
//     itself grants cluster-admin-equivalent power, that this check names as
//     a subject's grant, and that every holder holds cluster-wide (through
//     ClusterRoleBindings): every holder is then cluster-admin-equivalent
//     through it, which this check reports once per subject. A role that is
//     also held through a RoleBinding keeps its grades, since they describe
//     what that namespace's holders can do.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/rbac"
)

const clusterAdminEquivalentID = "rbac-cluster-admin-equivalent"

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          clusterAdminEquivalentID,
			Title:       "Cluster-admin-equivalent subject",
			Category:    check.ElevationOfPrivilege,
			Topic:       check.TopicRBAC,
			Severity:    check.Critical,
			Description: "A user, group or service account that may create, update, delete, get and list every resource in every API group cluster-wide controls the cluster as cluster-admin does, whatever the role is called: it reads every Secret, runs pods as any service account and binds itself any role. The finding names the subject and the binding and role that give it that power; the other RBAC findings about the same grant are grouped under it as informational.",
			Remediation: "Bind the subject a role with only the verbs, API groups, resources and namespaces it needs instead of one that grants everything, and keep cluster-admin power for break-glass access.",
			References:  []string{refRBACGood + "#least-privilege", refRBAC + "#user-facing-roles"},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, a := range clusterAdmins(inv).entries {
				out = append(out, check.Finding{
					Object: a.obj,
					Path:   subjectPath(a.index),
					Reason: "cluster-admin-equivalent subject",
					Detail: a.subject + " must not be cluster-admin-equivalent (" + bindingNoun(a.via.Binding) + " grants it " + bindingNoun(a.via.Role) + `, which allows create, update, delete, get and list on "*" resources in API group "*")`,
				})
			}
			return out
		},
	})
}

// adminEntry is a binding entry that makes its subject
// cluster-admin-equivalent.
type adminEntry struct {
	obj     *object.Object
	index   int    // in the binding's subjects
	subject string // as the binding names it: `ServiceAccount ns/name`
	via     rbac.Via
}

// adminGrants is what rbac-cluster-admin-equivalent reports, and what the
// checks it groups consult.
type adminGrants struct {
	entries []adminEntry
	// entry holds the binding entries reported, by binding and index.
	entry map[adminEntryKey]bool
	// subsumed holds the ClusterRoles whose rbac-* findings are grouped
	// under this check (see the comment at the top of the file).
	subsumed map[rbac.Ref]bool
}

type adminEntryKey struct {
	binding rbac.Ref
	index   int
}

// rbacPaths returns rbac.Paths of inv, computed once per inventory and
// shared by the checks.
func rbacPaths(inv *inventory.Inventory) []rbac.Path {
	return inv.Derived(rbacPathsKey{}, func(inv *inventory.Inventory) any { return rbac.Paths(rbacModel(inv), inv) }).([]rbac.Path)
}

type rbacPathsKey struct{}

// clusterAdmins returns the adminGrants of inv, computed once per inventory.
func clusterAdmins(inv *inventory.Inventory) *adminGrants {
	return inv.Derived(adminGrantsKey{}, func(inv *inventory.Inventory) any { return buildAdminGrants(inv) }).(*adminGrants)
}

type adminGrantsKey struct{}

func buildAdminGrants(inv *inventory.Inventory) *adminGrants {
	out := &adminGrants{entry: map[adminEntryKey]bool{}, subsumed: map[rbac.Ref]bool{}}
	if len(inv.ClusterRoleBindings) == 0 {
		return out // cluster-wide power needs a ClusterRoleBinding
	}
	bindings := map[rbac.Ref]*rbacBinding{}
	all := allBindings(inv)
	for i := range all {
		b := &all[i]
		ref := rbac.Ref{Kind: "ClusterRoleBinding", Name: b.obj.Name()}
		if !b.cluster {
			ref = rbac.Ref{Kind: "RoleBinding", Namespace: b.obj.Namespace(), Name: b.obj.Name()}
		}
		bindings[ref] = b
	}
	named := map[rbac.Ref]bool{}
	for _, p := range rbacPaths(inv) {
		if len(p.Hops) != 1 || p.Hops[0].Edge != rbac.EdgeIsClusterAdmin {
			continue
		}
		via := p.Hops[0].Via
		b := bindings[via.Binding]
		if b == nil {
			continue // the grant comes from outside the scanned set
		}
		for i, s := range b.subjects {
			if !sameSubject(b, s.Kind, s.Name, s.Namespace, p.Subject) {
				continue
			}
			out.entries = append(out.entries, adminEntry{obj: b.obj, index: i, subject: b.subjectNoun(s), via: via})
			out.entry[adminEntryKey{via.Binding, i}] = true
			named[via.Role] = true
			break
		}
	}
	m := rbacModel(inv)
	for role := range named {
		if role.Kind != "ClusterRole" || !roleGrantsAdmin(m, role) {
			continue
		}
		clusterWide := true
		for _, h := range m.Holders(role) {
			if h.Binding.Kind != "ClusterRoleBinding" {
				clusterWide = false
				break
			}
		}
		if clusterWide {
			out.subsumed[role] = true
		}
	}
	return out
}

// sameSubject reports whether the subject kind/name/ns of binding b names s.
// A User named system:serviceaccount:<ns>:<name> is that ServiceAccount, as
// the API server authenticates it.
func sameSubject(b *rbacBinding, kind, name, ns string, s rbac.Subject) bool {
	if kind == "User" && s.Kind == "ServiceAccount" {
		return name == "system:serviceaccount:"+s.Namespace+":"+s.Name
	}
	if kind != s.Kind || name != s.Name {
		return false
	}
	if kind != "ServiceAccount" {
		return true
	}
	if ns == "" && !b.cluster {
		ns = b.obj.Namespace()
	}
	return ns == s.Namespace
}

// roleGrantsAdmin reports whether role's own rules (aggregation resolved)
// allow every verb that makes a subject cluster-admin-equivalent on "*"
// resources of API group "*".
func roleGrantsAdmin(m *rbac.Model, role rbac.Ref) bool {
	rules, ok := m.Rules(role)
	if !ok {
		return false
	}
	for _, verb := range []string{"create", "update", "delete", "get", "list"} {
		allowed := false
		for _, rr := range rules {
			if rbac.RuleAllows(rr.Rule, rbac.Request{Verb: verb, Group: "*", Resource: "*"}) {
				allowed = true
				break
			}
		}
		if !allowed {
			return false
		}
	}
	return true
}

// adminBindingEntry reports whether rbac-cluster-admin-equivalent reports
// subject index i of binding b.
func (g *adminGrants) adminBindingEntry(b *rbacBinding, i int) bool {
	if !b.cluster {
		return false
	}
	return g.entry[adminEntryKey{rbac.Ref{Kind: "ClusterRoleBinding", Name: b.obj.Name()}, i}]
}

// Notes the grouped findings end with.
const (
	adminSubjectNote = "; the subject is cluster-admin-equivalent (" + clusterAdminEquivalentID + ")"
	adminRoleNote    = "; every holder is cluster-admin-equivalent through it (" + clusterAdminEquivalentID + ")"
)
