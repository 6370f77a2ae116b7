package checks

// Helpers of the audit Policy checks: auditLevel evaluates a policy for a
// request as the API server does (k8s.io/apiserver/pkg/audit/policy: the
// first rule that matches decides; a request no rule matches is not
// recorded), and auditProbe enumerates the requests of a kind that a
// policy may treat differently (each user, group, namespace and resource
// name its rules mention, beside ordinary ones).

import (
	"slices"
	"strings"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
)

// auditRequest holds the attributes of a request an audit policy reads.
type auditRequest struct {
	User   string
	Groups []string
	// Anonymous is a request with no user at all (an unauthenticated
	// request the authenticator did not name).
	Anonymous bool
	Verb      string
	// Resource requests: the API group, resource, subresource, name and
	// namespace ("" for cluster-scoped resources and requests across
	// namespaces). Path is set for non-resource requests.
	Resource                       bool
	Group, Kind, Subresource, Name string
	Namespace                      string
	Path                           string
}

// auditLevel returns the level policy records req at and the index of the
// rule that decides it, -1 when none matches (level None).
func auditLevel(policy *auditv1.Policy, req auditRequest) (auditv1.Level, int) {
	for i := range policy.Rules {
		if auditRuleMatches(&policy.Rules[i], req) {
			return policy.Rules[i].Level, i
		}
	}
	return auditv1.LevelNone, -1
}

func auditRuleMatches(r *auditv1.PolicyRule, req auditRequest) bool {
	if len(r.Users) > 0 && (req.Anonymous || !slices.Contains(r.Users, req.User)) {
		return false
	}
	if len(r.UserGroups) > 0 {
		if req.Anonymous || !slices.ContainsFunc(req.Groups, func(g string) bool { return slices.Contains(r.UserGroups, g) }) {
			return false
		}
	}
	if len(r.Verbs) > 0 && !slices.Contains(r.Verbs, req.Verb) {
		return false
	}
	if len(r.Namespaces) > 0 || len(r.Resources) > 0 {
		return auditResourceMatches(r, req)
	}
	if len(r.NonResourceURLs) > 0 {
		if req.Resource {
			return false
		}
		for _, spec := range r.NonResourceURLs {
			if spec == "*" || spec == req.Path || (strings.HasSuffix(spec, "*") && strings.HasPrefix(req.Path, strings.TrimSuffix(spec, "*"))) {
				return true
			}
		}
		return false
	}
	return true
}

func auditResourceMatches(r *auditv1.PolicyRule, req auditRequest) bool {
	if !req.Resource {
		return false
	}
	if len(r.Namespaces) > 0 && !slices.Contains(r.Namespaces, req.Namespace) {
		return false
	}
	if len(r.Resources) == 0 {
		return true
	}
	combined := req.Kind
	if req.Subresource != "" {
		combined += "/" + req.Subresource
	}
	for _, gr := range r.Resources {
		if gr.Group != req.Group && gr.Group != "*" {
			continue
		}
		if len(gr.Resources) == 0 {
			return true
		}
		for _, res := range gr.Resources {
			if len(gr.ResourceNames) > 0 && !slices.Contains(gr.ResourceNames, req.Name) {
				continue
			}
			switch {
			case res == combined || res == "*":
				return true
			case req.Subresource != "" && strings.HasPrefix(res, "*/") && req.Subresource == strings.TrimPrefix(res, "*/"):
				return true
			case strings.HasSuffix(res, "/*") && req.Kind == strings.TrimSuffix(res, "/*"):
				return true
			}
		}
	}
	return false
}

// matchesEverything reports whether rule r matches every request.
func matchesEverything(r *auditv1.PolicyRule) bool {
	return len(r.Users) == 0 && len(r.UserGroups) == 0 && len(r.Verbs) == 0 &&
		len(r.Resources) == 0 && len(r.Namespaces) == 0 && len(r.NonResourceURLs) == 0
}

// auditTarget is a kind of request the audit checks care about: a
// resource (and subresource) of an API group, with the verbs to try.
type auditTarget struct {
	Group, Kind, Subresource string
	// Namespaced is true for namespaced resources.
	Namespaced bool
	Verbs      []string
}

// String names the target as a policy's resources do: "secrets",
// "pods/exec", "clusterroles.rbac.authorization.k8s.io".
func (t auditTarget) String() string {
	s := t.Kind
	if t.Subresource != "" {
		s += "/" + t.Subresource
	}
	if t.Group != "" {
		s += "." + t.Group
	}
	return s
}

var (
	readWrite = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
	writes    = []string{"create", "update", "patch", "delete", "deletecollection"}
)

// Targets of the audit checks.
var (
	// auditSecretTargets hold credentials in their bodies.
	auditSecretTargets = []auditTarget{
		{Kind: "secrets", Namespaced: true, Verbs: readWrite},
		{Kind: "configmaps", Namespaced: true, Verbs: readWrite},
		{Group: "authentication.k8s.io", Kind: "tokenreviews", Verbs: []string{"create"}},
	}
	// auditRBACTargets are the RBAC objects.
	auditRBACTargets = []auditTarget{
		{Group: "rbac.authorization.k8s.io", Kind: "roles", Namespaced: true, Verbs: readWrite},
		{Group: "rbac.authorization.k8s.io", Kind: "rolebindings", Namespaced: true, Verbs: readWrite},
		{Group: "rbac.authorization.k8s.io", Kind: "clusterroles", Verbs: readWrite},
		{Group: "rbac.authorization.k8s.io", Kind: "clusterrolebindings", Verbs: readWrite},
	}
	// auditImportantTargets must be recorded at Metadata at least: who
	// read Secrets, who changed RBAC or admission, who entered a pod.
	auditImportantTargets = append([]auditTarget{
		{Kind: "secrets", Namespaced: true, Verbs: readWrite},
		{Kind: "pods", Subresource: "exec", Namespaced: true, Verbs: []string{"create", "get"}},
		{Kind: "pods", Subresource: "attach", Namespaced: true, Verbs: []string{"create", "get"}},
		{Kind: "pods", Subresource: "portforward", Namespaced: true, Verbs: []string{"create", "get"}},
		{Group: "admissionregistration.k8s.io", Kind: "mutatingwebhookconfigurations", Verbs: readWrite},
		{Group: "admissionregistration.k8s.io", Kind: "validatingwebhookconfigurations", Verbs: readWrite},
		{Group: "admissionregistration.k8s.io", Kind: "validatingadmissionpolicies", Verbs: readWrite},
		{Group: "admissionregistration.k8s.io", Kind: "validatingadmissionpolicybindings", Verbs: readWrite},
	}, auditRBACTargets...)
)

// auditPrincipal is a user and its groups.
type auditPrincipal struct {
	user      string
	groups    []string
	anonymous bool
}

// auditProbe calls visit with every request of target t that policy may
// tell apart: by ordinary users, service accounts, nodes, control-plane
// components and anonymous callers, and by each user and group the rules
// name; in ordinary namespaces, across namespaces and in each namespace
// the rules name; with and without each resource name the rules name.
func auditProbe(policy *auditv1.Policy, t auditTarget, visit func(auditRequest)) {
	auth := "system:authenticated"
	principals := []auditPrincipal{
		{user: "jane", groups: []string{auth}},
		{user: "system:serviceaccount:default:app", groups: []string{"system:serviceaccounts", "system:serviceaccounts:default", auth}},
		{user: "system:node:node-1", groups: []string{"system:nodes", auth}},
		{user: "system:kube-controller-manager", groups: []string{auth}},
		{user: "system:anonymous", groups: []string{"system:unauthenticated"}},
		{anonymous: true},
	}
	namespaces := []string{""}
	if t.Namespaced {
		namespaces = append(namespaces, "default", "kube-system")
	}
	names := []string{"", "name"}
	for _, r := range policy.Rules {
		for _, u := range r.Users {
			principals = append(principals, auditPrincipal{user: u, groups: []string{auth}})
		}
		for _, g := range r.UserGroups {
			principals = append(principals, auditPrincipal{user: "member-of-" + g, groups: []string{g, auth}})
		}
		if t.Namespaced {
			namespaces = append(namespaces, r.Namespaces...)
		}
		for _, gr := range r.Resources {
			names = append(names, gr.ResourceNames...)
		}
	}
	for _, p := range principals {
		for _, verb := range t.Verbs {
			for _, ns := range namespaces {
				for _, name := range names {
					visit(auditRequest{
						User: p.user, Groups: p.groups, Anonymous: p.anonymous, Verb: verb,
						Resource: true, Group: t.Group, Kind: t.Kind, Subresource: t.Subresource, Name: name, Namespace: ns,
					})
				}
			}
		}
	}
}

// auditPolicy is an audit Policy and its content.
type auditPolicy struct {
	obj    *object.Object
	policy *auditv1.Policy
}

// auditPolicies returns the audit Policies that decode; one that does not
// stops the API server, and the loader reports it.
func (v *nodeView) auditPolicies() []auditPolicy {
	var out []auditPolicy
	for _, obj := range v.objects(host.AuditPolicyKind) {
		if p, err := host.AuditPolicy(obj); err == nil {
			out = append(out, auditPolicy{obj, p})
		}
	}
	return out
}

// ruleTargets collects, by rule index (-1 for no rule), the targets some
// of whose requests a policy records as bad says.
type ruleTargets struct {
	order   []int
	targets map[int][]string
	levels  map[int]auditv1.Level
}

func (rt *ruleTargets) add(rule int, target string, level auditv1.Level) {
	if rt.targets == nil {
		rt.targets, rt.levels = map[int][]string{}, map[int]auditv1.Level{}
	}
	if _, ok := rt.targets[rule]; !ok {
		rt.order = append(rt.order, rule)
	}
	if !slices.Contains(rt.targets[rule], target) {
		rt.targets[rule] = append(rt.targets[rule], target)
	}
	rt.levels[rule] = level
}

// sorted returns the rule indexes in order, -1 first.
func (rt *ruleTargets) sorted() []int {
	out := slices.Clone(rt.order)
	slices.Sort(out)
	return out
}

// judgeTargets evaluates policy over every request of targets and collects
// those bad reports true for, by the rule that decides them.
func judgeTargets(policy *auditv1.Policy, targets []auditTarget, bad func(auditRequest, auditv1.Level, int) bool) *ruleTargets {
	rt := &ruleTargets{}
	for _, t := range targets {
		auditProbe(policy, t, func(req auditRequest) {
			if level, rule := auditLevel(policy, req); bad(req, level, rule) {
				rt.add(rule, t.String(), level)
			}
		})
	}
	return rt
}

// rulePath is the field path of rule i of a policy.
func rulePath(i int) string { return fieldpath.Index("rules", i) }
