package checks

// Approving a CertificateSigningRequest makes the cluster's signer issue the
// certificate: a kubernetes.io/kube-apiserver-client certificate for any
// user or group (system:masters included) authenticates as that identity.
// Approval takes two permissions: update on the approval subresource and
// approve on the signer.
//
// Inspected fields (Role, ClusterRole; aggregated ClusterRoles through the
// rules they aggregate):
//   rules[*].resources, with rules[*].apiGroups, rules[*].verbs,
//   rules[*].resourceNames
// Allowed values: no rule granting update or patch (or "*") on
// certificatesigningrequests/approval of certificates.k8s.io. With approve
// on signers (certificates.k8s.io) anywhere in the role it is reported at
// high severity; without it, at medium. Built-in roles are not reported.

import (
	"github.com/kubestride/kubestride/internal/check"
)

var (
	csrApprovalGrant = rbacGrant{
		verbs:   []string{"update", "patch"},
		targets: []rbacResource{{groupCertificates, "certificatesigningrequests", "approval"}},
	}
	csrSignerGrant = rbacGrant{
		verbs:   []string{"approve"},
		targets: []rbacResource{{groupCertificates, "signers", ""}},
	}
)

func init() {
	meta := check.Meta{
		ID:          "rbac-csr-approval",
		Title:       "Permission to approve certificate signing requests",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "update on certificatesigningrequests/approval together with approve on a signer lets its holder approve certificate requests, including their own. A client certificate from the kube-apiserver-client signer authenticates as any user or group, system:masters included.",
		Remediation: "Remove update and patch on certificatesigningrequests/approval and approve on signers from the role, or limit approve with resourceNames to signers that cannot issue API client certificates.",
		References:  []string{refRBACGood + "#csrs-and-certificate-issuing", refCSRAuthz},
	}
	check.Register(perRole(meta, func(r *rbacRoleView) []check.Finding {
		var out []check.Finding
		var signer *rbacRule
		var signerPhrase string
		for i := range r.rules {
			if verbs, targets, named := csrSignerGrant.match(r.rules[i].Rule); len(verbs) > 0 {
				signer = &r.rules[i]
				signerPhrase = grantPhrase(verbs, targets, signer.Rule, named)
				break
			}
		}
		for _, rr := range r.rules {
			verbs, targets, named := csrApprovalGrant.match(rr.Rule)
			if len(verbs) == 0 {
				continue
			}
			approval := grantPhrase(verbs, targets, rr.Rule, named)
			switch {
			case signer == nil:
				out = append(out, r.findingAt(meta.Severity, check.Medium, rr.path("resources"), "certificate approval permission",
					approval+" ("+rr.ref()+") but no approve on signers"))
			case signer.Rule == rr.Rule:
				out = append(out, r.findingAt(meta.Severity, 0, rr.path("resources"), "certificate approval permission",
					approval+" and "+signerPhrase+" ("+rr.ref()+")"))
			default:
				out = append(out, r.findingAt(meta.Severity, 0, rr.path("resources"), "certificate approval permission",
					approval+" ("+rr.ref()+") and "+signerPhrase+" ("+signer.ref()+")"))
			}
		}
		return out
	}))
}
