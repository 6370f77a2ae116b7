package checks

// Single RBAC rules look harmless on their own; chained, they can hand a
// subject the power of cluster-admin: reading a legacy token Secret yields a
// service account, creating a pod runs code as another, binding or
// escalating roles grants anything.
//
// Inspected: every Role, ClusterRole and binding of the scanned set (with
// the bootstrap cluster-admin ClusterRole assumed when absent), the service
// accounts, the workloads' service accounts and the legacy token Secrets, as
// package rbac models them.
// Allowed: no subject that is not already cluster-admin-equivalent can
// reach that power. Subjects that are cluster-admin-equivalent already are
// rbac-cluster-admin-equivalent's findings.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/rbac"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "rbac-escalation-path",
			Title:       "Privilege-escalation path to cluster admin",
			Category:    check.ElevationOfPrivilege,
			Topic:       check.TopicRBAC,
			Severity:    check.Critical,
			Description: "A subject that is not a cluster administrator can become one by chaining what RBAC lets it do: running pods as other service accounts, reading their legacy token Secrets, minting their tokens, impersonating, or binding and escalating roles. The finding names every hop and the binding that enables it.",
			Remediation: "Break the chain at its first hop: remove the grant named in the finding from the subject, or narrow it with resourceNames and namespaces, and remove legacy token Secrets and cluster-admin bindings of service accounts that do not need them.",
			References:  []string{refRBACGood, refRBAC, "https://kubernetes.io/docs/reference/access-authn-authz/authorization/#privilege-escalation-via-workload-creation-or-edits"},
		},
		run: rbacEscalationPaths,
	})
}

func rbacEscalationPaths(inv *inventory.Inventory, _ check.Options) []check.Finding {
	paths := rbacPaths(inv)
	if len(paths) == 0 {
		return nil
	}
	bindings := map[rbac.Ref]*object.Object{}
	subjects := map[rbac.Ref][]rbac.Subject{}
	for _, it := range inv.ClusterRoleBindings {
		ref := rbac.Ref{Kind: "ClusterRoleBinding", Name: it.Name()}
		bindings[ref] = it.Object
		for _, s := range it.Value.Subjects {
			subjects[ref] = append(subjects[ref], rbac.Subject{Kind: s.Kind, Name: s.Name, Namespace: s.Namespace})
		}
	}
	for _, it := range inv.RoleBindings {
		ref := rbac.Ref{Kind: "RoleBinding", Name: it.Name(), Namespace: it.Namespace()}
		bindings[ref] = it.Object
		for _, s := range it.Value.Subjects {
			ns := s.Namespace
			if s.Kind == "ServiceAccount" && ns == "" {
				ns = it.Namespace()
			}
			subjects[ref] = append(subjects[ref], rbac.Subject{Kind: s.Kind, Name: s.Name, Namespace: ns})
		}
	}
	var out []check.Finding
	for _, p := range paths {
		if len(p.Hops) == 0 || p.Hops[0].Edge == rbac.EdgeIsClusterAdmin {
			continue // cluster-admin-equivalent already: no escalation
		}
		first := p.Hops[0].Via.Binding
		obj := bindings[first]
		if obj == nil {
			continue // the grant comes from outside the scanned set
		}
		path := "subjects"
		for i, s := range subjects[first] {
			if s == p.Subject {
				path = fieldpath.Index("subjects", i)
				break
			}
		}
		var hops []string
		for i, h := range p.Hops {
			also := ""
			for _, n := range h.Also {
				also += fmt.Sprintf(" and %s via %s", n.Action, n.Via.Binding)
			}
			assumed := ""
			if h.Via.Assumed {
				assumed = " (bootstrap policy, assumed)"
			}
			hops = append(hops, fmt.Sprintf("%d) %s via %s%s%s -> %s", i+1, h.Action, h.Via.Binding, assumed, also, h.To))
		}
		out = append(out, check.Finding{
			Object: obj,
			Path:   path,
			Reason: "privilege escalation path to cluster admin",
			Detail: fmt.Sprintf("%s must not be able to become cluster-admin-equivalent (%d %s: %s)",
				p.Subject, len(p.Hops), pluralize("step", "steps", len(p.Hops)), strings.Join(hops, "; ")),
		})
	}
	return out
}
