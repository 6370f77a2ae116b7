package checks

// The driver shared by the rbac-* checks that inspect Roles and ClusterRoles.

import (
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/rbac"
)

// rbacRoleView is one Role or ClusterRole under check, with the rules it
// grants.
type rbacRoleView struct {
	obj *object.Object
	// kind is "Role" or "ClusterRole".
	kind  string
	rules []rbacRule
	inv   *inventory.Inventory

	holders    []rbac.Holding
	holdersSet bool
	held       string // describeHolders(holders), once computed
}

// String names the role: `ClusterRole "ops"` or `Role dev/deployer`.
func (r *rbacRoleView) String() string {
	if r.kind == "ClusterRole" {
		return "ClusterRole " + strconv.Quote(r.obj.Name())
	}
	return namespacedNoun("Role", r.obj.Namespace(), r.obj.Name())
}

// ref returns the role's rbac.Ref.
func (r *rbacRoleView) ref() rbac.Ref {
	if r.kind == "ClusterRole" {
		return rbac.Ref{Kind: r.kind, Name: r.obj.Name()}
	}
	return rbac.Ref{Kind: r.kind, Namespace: r.obj.Namespace(), Name: r.obj.Name()}
}

// bindings returns who holds the role in the scanned set, computed once.
func (r *rbacRoleView) bindings() []rbac.Holding {
	if !r.holdersSet {
		r.holders, r.holdersSet = rbacModel(r.inv).Holders(r.ref()), true
		r.held = describeHolders(r.holders, serviceAccountUsers(r.inv))
	}
	return r.holders
}

// finding reports that the role grants what (`escalate on roles`) through
// rule rr, at the path of the rule's field. sev is the severity the grant
// deserves when the role is held (0 for the check's default, def); a role
// nobody in the scanned set holds gets one step less.
func (r *rbacRoleView) finding(def, sev check.Severity, rr rbacRule, field, reason, what string) check.Finding {
	return r.findingAt(def, sev, rr.path(field), reason, what+" ("+rr.ref()+")")
}

// findingAt is finding for a grant that names its rules itself.
func (r *rbacRoleView) findingAt(def, sev check.Severity, path, reason, grant string) check.Finding {
	hs := r.bindings()
	if sev == 0 {
		sev = def
	}
	if len(hs) == 0 {
		sev = lowerSeverity(sev)
	}
	note := ""
	if r.kind == "ClusterRole" && clusterAdmins(r.inv).subsumed[r.ref()] {
		// Grouped under rbac-cluster-admin-equivalent, which reports each
		// holder once.
		sev, note = check.Info, adminRoleNote
	}
	if sev == def {
		sev = 0
	}
	return check.Finding{
		Object:   r.obj,
		Path:     path,
		Reason:   reason,
		Detail:   r.String() + " grants " + grant + "; " + r.held + note,
		Severity: sev,
	}
}

// lowerSeverity returns the severity one step below s (info stays info).
func lowerSeverity(s check.Severity) check.Severity {
	if s > check.Info {
		return s - 1
	}
	return s
}

// builtinRole reports whether kind/name is a role Kubernetes itself ships:
// anything named "system:*", and the default user-facing ClusterRoles.
func builtinRole(kind, name string) bool {
	if strings.HasPrefix(name, "system:") {
		return true
	}
	if kind != "ClusterRole" {
		return false
	}
	switch name {
	case "cluster-admin", "admin", "edit", "view":
		return true
	}
	return false
}

// perRole builds a check that looks at each Role and ClusterRole that is not
// built in, in load order (Roles first). fn sees the rules the role grants,
// with aggregation resolved.
func perRole(meta check.Meta, fn func(r *rbacRoleView) []check.Finding) check.Check {
	meta.Topic = check.TopicRBAC
	return funcCheck{meta: meta, run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
		if len(inv.Roles) == 0 && len(inv.ClusterRoles) == 0 {
			return nil
		}
		var out []check.Finding
		for _, it := range inv.Roles {
			if builtinRole("Role", it.Name()) {
				continue
			}
			out = append(out, fn(&rbacRoleView{obj: it.Object, kind: "Role", rules: ownRules(it.Value.Rules), inv: inv})...)
		}
		m := rbacModel(inv)
		for _, it := range inv.ClusterRoles {
			if builtinRole("ClusterRole", it.Name()) {
				continue
			}
			rules := ownRules(it.Value.Rules)
			if it.Value.AggregationRule != nil {
				// The rules aggregation gives it (the last ClusterRole of
				// that name, when several are scanned).
				rrs, _ := m.Rules(rbac.Ref{Kind: "ClusterRole", Name: it.Name()})
				rules = make([]rbacRule, len(rrs))
				for i, rr := range rrs {
					rules[i] = rbacRule{rr}
				}
			}
			out = append(out, fn(&rbacRoleView{obj: it.Object, kind: "ClusterRole", rules: rules, inv: inv})...)
		}
		return out
	}}
}

// grantCheck builds a check that reports every rule of a role that grants
// any of g's verbs on any of g's targets, pointing at the rule's field.
// named, when not 0, is the severity of a grant limited by resourceNames.
func grantCheck(meta check.Meta, g rbacGrant, field, reason string, named check.Severity) check.Check {
	return perRole(meta, func(r *rbacRoleView) []check.Finding {
		var out []check.Finding
		for _, rr := range r.rules {
			verbs, targets, isNamed := g.match(rr.Rule)
			if len(verbs) == 0 {
				continue
			}
			var sev check.Severity
			if isNamed {
				sev = named
			}
			out = append(out, r.finding(meta.Severity, sev, rr, field, reason, grantPhrase(verbs, targets, rr.Rule, isNamed)))
		}
		return out
	})
}

// API groups and reference URLs of the rbac-* checks.
const (
	groupRBAC         = "rbac.authorization.k8s.io"
	groupAuthn        = "authentication.k8s.io"
	groupCertificates = "certificates.k8s.io"
	groupAdmission    = "admissionregistration.k8s.io"

	refRBACPrivesc       = refRBACGood + "#privilege-escalation-risks"
	refRBACEscalation    = refRBAC + "#privilege-escalation-prevention-and-bootstrapping"
	refImpersonation     = "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation"
	refKubeletAuthz      = "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/"
	refCSRAuthz          = "https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization"
	refAnonymous         = "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests"
	refDefaultRoles      = refRBAC + "#default-roles-and-role-bindings"
	refAdmissionWebhooks = "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/"
)
