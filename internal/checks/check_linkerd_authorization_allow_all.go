package checks

// A Linkerd AuthorizationPolicy allows the traffic of its target (a Server,
// an HTTPRoute, a namespace) from the clients its required authentications
// name. With no requiredAuthenticationRefs it requires nothing; a
// NetworkAuthentication over 0.0.0.0/0 or ::/0 admits any address without a
// mesh identity; a MeshTLSAuthentication whose identities include "*"
// admits every meshed workload. The target then takes requests from
// everyone the policy was meant to tell apart.
//
// Inspected fields, of AuthorizationPolicy (policy.linkerd.io, read from
// the object's JSON): spec.targetRef, spec.requiredAuthenticationRefs; of
// the NetworkAuthentication and MeshTLSAuthentication objects they name
// (in the policy's namespace unless the reference names another):
// spec.networks[*].cidr and except, spec.identities.
// Allowed values: at least one required authentication that names specific
// identities, service accounts or networks. A reference to an object not in
// the scan is not judged (its content is unknown).

import (
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
)

func init() {
	check.Register(funcCheck{
		meta: check.Meta{
			ID:          "linkerd-authorization-allow-all",
			Title:       "Linkerd AuthorizationPolicy allows every client",
			Category:    check.ElevationOfPrivilege,
			Topic:       check.TopicObjects,
			Severity:    check.High,
			Description: "A Linkerd AuthorizationPolicy without requiredAuthenticationRefs, or whose only authentications admit every network (0.0.0.0/0, ::/0) or every mesh identity (\"*\"), lets every client reach its target, which undoes the deny that a Server or a deny default policy sets. kubestride judges the authentications in the scan; one it cannot see is not judged.",
			Remediation: "Require a MeshTLSAuthentication that names the client identities or service accounts (or a NetworkAuthentication with narrow CIDRs) in every AuthorizationPolicy.",
			References:  []string{refLinkerdPolicy, refLinkerdFeatures},
		},
		run: func(inv *inventory.Inventory, _ check.Options) []check.Finding {
			if !meshInstalled(inv).linkerd {
				return nil
			}
			authns := linkerdAuthentications(inv)
			var out []check.Finding
			for _, obj := range inv.Objects {
				out = append(out, linkerdAuthorizationAllowAll(obj, authns)...)
			}
			return out
		},
	})
}

// linkerdRef is a reference of a Linkerd policy object.
type linkerdRef struct {
	Group     string `json:"group"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

// linkerdAuthorizationPolicy is what the check reads of an AuthorizationPolicy.
type linkerdAuthorizationPolicy struct {
	Spec struct {
		TargetRef                  linkerdRef   `json:"targetRef"`
		RequiredAuthenticationRefs []linkerdRef `json:"requiredAuthenticationRefs"`
	} `json:"spec"`
}

// linkerdAuthentication is what the check reads of a NetworkAuthentication
// or MeshTLSAuthentication.
type linkerdAuthentication struct {
	Spec struct {
		Networks []struct {
			CIDR   string   `json:"cidr"`
			Except []string `json:"except"`
		} `json:"networks"`
		Identities   []string     `json:"identities"`
		IdentityRefs []linkerdRef `json:"identityRefs"`
	} `json:"spec"`
}

// openTo returns whom an authentication admits when it admits everyone
// ("" otherwise).
func (a *linkerdAuthentication) openTo(kind string) string {
	switch kind {
	case "NetworkAuthentication":
		for _, n := range a.Spec.Networks {
			if (n.CIDR == "0.0.0.0/0" || n.CIDR == "::/0") && len(n.Except) == 0 {
				return "every address (" + n.CIDR + ") without a mesh identity"
			}
		}
	case "MeshTLSAuthentication":
		for _, id := range a.Spec.Identities {
			if id == "*" {
				return "every mesh identity (\"*\")"
			}
		}
	}
	return ""
}

// linkerdAuthentications returns the authentications of the scan by
// "Kind namespace/name".
func linkerdAuthentications(inv *inventory.Inventory) map[string]*linkerdAuthentication {
	out := map[string]*linkerdAuthentication{}
	for _, obj := range inv.Objects {
		if !meshKind(obj, "policy.linkerd.io", "NetworkAuthentication") && !meshKind(obj, "policy.linkerd.io", "MeshTLSAuthentication") {
			continue
		}
		var a linkerdAuthentication
		if decodeMesh(obj, &a) {
			out[obj.Kind+" "+obj.Namespace()+"/"+obj.Name()] = &a
		}
	}
	return out
}

func linkerdAuthorizationAllowAll(obj *object.Object, authns map[string]*linkerdAuthentication) []check.Finding {
	if !meshKind(obj, "policy.linkerd.io", "AuthorizationPolicy") {
		return nil
	}
	var ap linkerdAuthorizationPolicy
	if !decodeMesh(obj, &ap) {
		return nil
	}
	noun := "AuthorizationPolicy " + strconv.Quote(obj.Name())
	target := ap.Spec.TargetRef.Kind + " " + strconv.Quote(ap.Spec.TargetRef.Name)
	refs := ap.Spec.RequiredAuthenticationRefs
	if len(refs) == 0 {
		return []check.Finding{{
			Object: obj,
			Path:   "spec",
			Reason: "authorization allows all",
			Detail: noun + " must set spec.requiredAuthenticationRefs (without them it allows every client to " + target + ")",
		}}
	}
	// A client must satisfy every required authentication: the policy is
	// open only when each one it can judge admits everyone.
	var open []string
	for _, r := range refs {
		ns := r.Namespace
		if ns == "" {
			ns = obj.Namespace()
		}
		a, ok := authns[r.Kind+" "+ns+"/"+r.Name]
		if r.Kind == "ServiceAccount" {
			return nil // names one service account
		}
		if !ok {
			return nil // not in the scan: not judged
		}
		who := a.openTo(r.Kind)
		if who == "" {
			return nil
		}
		open = append(open, r.Kind+" "+strconv.Quote(r.Name)+" admits "+who)
	}
	f := check.Finding{
		Object: obj,
		Path:   fieldpath.Index("spec.requiredAuthenticationRefs", 0),
		Reason: "authorization allows all",
		Detail: noun + " must require an authentication that names its clients (" + strings.Join(open, "; ") + ", so every client may reach " + target + ")",
	}
	return []check.Finding{f}
}
