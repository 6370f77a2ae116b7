package rbac

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Request is one request to the API server: a resource request (Resource
// set) or a non-resource request (NonResourceURL set).
type Request struct {
	Verb        string `json:"verb"`
	Group       string `json:"group,omitempty"`
	Resource    string `json:"resource,omitempty"`
	Subresource string `json:"subresource,omitempty"`
	// Namespace is the request's namespace; "" is a cluster-scoped request
	// or one across all namespaces.
	Namespace string `json:"namespace,omitempty"`
	// Name is the object's name; "" for list, watch, create and
	// deletecollection.
	Name           string `json:"name,omitempty"`
	NonResourceURL string `json:"nonResourceURL,omitempty"`
}

// IsResource reports whether r is a resource request.
func (r Request) IsResource() bool { return r.NonResourceURL == "" }

// scope is the namespace whose RoleBindings can allow r ("" for none).
func (r Request) scope() string {
	if !r.IsResource() {
		return ""
	}
	return r.Namespace
}

// RuleAllows reports whether rule allows req, as the RBAC authorizer decides.
func RuleAllows(rule *rbacv1.PolicyRule, req Request) bool {
	if !VerbMatches(rule, req.Verb) {
		return false
	}
	if !req.IsResource() {
		return urlMatches(rule, req.NonResourceURL)
	}
	return GroupMatches(rule, req.Group) &&
		ResourceMatches(rule, req.Resource, req.Subresource) &&
		nameMatches(rule, req.Name)
}

// VerbMatches reports whether rule lists verb or "*".
func VerbMatches(rule *rbacv1.PolicyRule, verb string) bool {
	for _, v := range rule.Verbs {
		if v == rbacv1.VerbAll || v == verb {
			return true
		}
	}
	return false
}

// GroupMatches reports whether rule lists the API group or "*".
func GroupMatches(rule *rbacv1.PolicyRule, group string) bool {
	for _, g := range rule.APIGroups {
		if g == rbacv1.APIGroupAll || g == group {
			return true
		}
	}
	return false
}

// ResourceMatches matches "*", the combined "resource/subresource" exactly,
// or "*/subresource" for a request with that subresource.
func ResourceMatches(rule *rbacv1.PolicyRule, resource, subresource string) bool {
	combined := resource
	if subresource != "" {
		combined += "/" + subresource
	}
	for _, r := range rule.Resources {
		switch {
		case r == rbacv1.ResourceAll, r == combined:
			return true
		case subresource != "" && strings.HasPrefix(r, "*/") && r[2:] == subresource:
			return true
		}
	}
	return false
}

// nameMatches: a rule without resourceNames matches any name (and none); a
// rule with resourceNames matches only a request naming one of them.
func nameMatches(rule *rbacv1.PolicyRule, name string) bool {
	if len(rule.ResourceNames) == 0 {
		return true
	}
	for _, n := range rule.ResourceNames {
		if n == name {
			return true
		}
	}
	return false
}

func urlMatches(rule *rbacv1.PolicyRule, url string) bool {
	for _, u := range rule.NonResourceURLs {
		switch {
		case u == rbacv1.NonResourceAll, u == url:
			return true
		case strings.HasSuffix(u, "*") && strings.HasPrefix(url, strings.TrimRight(u, "*")):
			return true
		}
	}
	return false
}
