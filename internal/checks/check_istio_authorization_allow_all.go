package checks

// An Istio AuthorizationPolicy with action ALLOW admits the requests its
// rules match. An empty rule ({}) matches every request, a rule without
// from matches every caller, and a source whose principals or namespaces
// are "*" matches every caller with a mesh identity, that is every meshed
// workload. Such a policy undoes a deny-by-default posture: the selected workloads — the whole namespace without a
// selector, the whole mesh in istio-system — take requests from anyone who
// reaches them.
//
// Inspected fields, of AuthorizationPolicy (security.istio.io, any version,
// read from the object's JSON):
//   spec.action (ALLOW when unset)
//   spec.rules[*] and their from[*].source.principals / namespaces,
//   notPrincipals, notNamespaces, ipBlocks, remoteIpBlocks,
//   requestPrincipals; to and when.
// Allowed values: every ALLOW rule names its callers (from with a source
// that is not only "*"). A rule that matches every request is high; one
// that matches every caller but limits the operation (to, when) is medium.
// DENY, AUDIT and CUSTOM policies are not judged.

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

func init() {
	check.Register(localCheck{
		meta: check.Meta{
			ID:          "istio-authorization-allow-all",
			Title:       "Istio AuthorizationPolicy allows every caller",
			Category:    check.ElevationOfPrivilege,
			Topic:       check.TopicObjects,
			Severity:    check.High,
			Description: "An ALLOW AuthorizationPolicy with an empty rule ({}), a rule without from, or sources whose principals or namespaces are \"*\" lets every caller reach the workloads it selects (the namespace without a selector, the mesh in istio-system), which undoes deny-by-default and least privilege between services. kubestride cannot tell which callers a workload really needs; it reports rules that name none.",
			Remediation: "Name the callers in every ALLOW rule (from.source.principals or namespaces with exact values) and keep an allow-nothing policy (spec: {}) as the default.",
			References:  []string{refIstioAuthz, refIstioAuthzTask},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			var out []check.Finding
			for _, obj := range inv.Objects {
				out = append(out, istioAuthorizationAllowAll(obj)...)
			}
			return out
		},
	})
}

// istioSource is what the check reads of a rule's source.
type istioSource struct {
	Principals        []string `json:"principals"`
	NotPrincipals     []string `json:"notPrincipals"`
	RequestPrincipals []string `json:"requestPrincipals"`
	NotRequestPrinc   []string `json:"notRequestPrincipals"`
	Namespaces        []string `json:"namespaces"`
	NotNamespaces     []string `json:"notNamespaces"`
	IPBlocks          []string `json:"ipBlocks"`
	NotIPBlocks       []string `json:"notIpBlocks"`
	RemoteIPBlocks    []string `json:"remoteIpBlocks"`
	NotRemoteIPBlocks []string `json:"notRemoteIpBlocks"`
}

// anyone reports whether the source admits every caller: it sets nothing,
// or only principals / namespaces that include "*".
func (s istioSource) anyone() bool {
	if len(s.NotPrincipals)+len(s.RequestPrincipals)+len(s.NotRequestPrinc)+len(s.NotNamespaces)+
		len(s.IPBlocks)+len(s.NotIPBlocks)+len(s.RemoteIPBlocks)+len(s.NotRemoteIPBlocks) > 0 {
		return false
	}
	if len(s.Principals) > 0 && !slices.Contains(s.Principals, "*") {
		return false
	}
	if len(s.Namespaces) > 0 && !slices.Contains(s.Namespaces, "*") {
		return false
	}
	return true
}

// authorizationPolicy is what the checks read of an Istio
// AuthorizationPolicy.
type authorizationPolicy struct {
	Spec struct {
		Selector *istioSelector `json:"selector"`
		Action   string         `json:"action"`
		Rules    []struct {
			From []struct {
				Source *istioSource `json:"source"`
			} `json:"from"`
			To   []map[string]any `json:"to"`
			When []map[string]any `json:"when"`
		} `json:"rules"`
	} `json:"spec"`
}

// allow reports whether the policy's action is ALLOW (the default).
func (ap *authorizationPolicy) allow() bool { return ap.Spec.Action == "" || ap.Spec.Action == "ALLOW" }

// allowNothing reports whether the policy is Istio's allow-nothing policy
// (spec: {} or an ALLOW policy without rules) for its whole namespace.
func (ap *authorizationPolicy) allowNothing() bool {
	return ap.allow() && len(ap.Spec.Rules) == 0 && (ap.Spec.Selector == nil || len(ap.Spec.Selector.MatchLabels) == 0)
}

func istioAuthorizationAllowAll(obj *object.Object) []check.Finding {
	if !meshKind(obj, "security.istio.io", "AuthorizationPolicy") {
		return nil
	}
	var ap authorizationPolicy
	if !decodeMesh(obj, &ap) || !ap.allow() {
		return nil
	}
	noun := "AuthorizationPolicy " + strconv.Quote(obj.Name())
	scope := "its workloads"
	if ap.Spec.Selector == nil || len(ap.Spec.Selector.MatchLabels) == 0 {
		scope = "every workload of " + namespaceNoun(obj.Namespace())
		if obj.Namespace() == istioRootNamespace {
			scope = "every workload of the mesh"
		}
	}
	var out []check.Finding
	for i, r := range ap.Spec.Rules {
		path := fieldpath.Index("spec.rules", i)
		open := len(r.From) == 0
		for j, f := range r.From {
			if f.Source == nil || f.Source.anyone() {
				open = true
				path = fieldpath.Join(fieldpath.Index(path+".from", j), "source")
				break
			}
		}
		if !open {
			continue
		}
		what := "every request to " + scope
		var sev check.Severity
		if len(r.To)+len(r.When) > 0 {
			what = "every caller to " + scope + " (for the operations and conditions it lists)"
			sev = check.Medium
		}
		detail := fmt.Sprintf("%s must name its callers in spec.rules[%d].from (the rule allows %s)", noun, i, what)
		if len(r.From) > 0 {
			detail = fmt.Sprintf("%s must not allow every caller with \"*\" in spec.rules[%d].from (the rule allows %s)", noun, i, what)
		}
		out = append(out, check.Finding{Object: obj, Path: path, Reason: "authorization allows all", Detail: detail, Severity: sev})
	}
	return out
}
