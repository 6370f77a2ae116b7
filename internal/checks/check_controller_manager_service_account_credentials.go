package checks

// The kube-controller-manager runs each controller with its own service
// account (system:serviceaccount:kube-system:<controller>), bound to a role
// of just that controller's permissions, only with
// --use-service-account-credentials=true. By default (false) every
// controller acts with the controller manager's own credentials, whose
// role is the union of all of them, and the audit log cannot tell the
// controllers apart.
//
// Inspected: --use-service-account-credentials of every
// kube-controller-manager (static pod or process). Allowed: true.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "controller-manager-service-account-credentials",
		Title:       "Controllers share the controller manager's credentials",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Medium,
		Description: "Unless --use-service-account-credentials=true, every controller of the kube-controller-manager acts with the controller manager's own credentials, which hold the permissions of all controllers together, instead of a service account per controller with just its own role.",
		Remediation: "Set --use-service-account-credentials=true on the kube-controller-manager.",
		CIS:         "1.3.3",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#controller-roles",
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
		},
	}, func(v *nodeView) []check.Finding {
		const reason = "controllers share credentials"
		var out []check.Finding
		for _, c := range v.of(host.ControllerManager) {
			on, f, set := flagBool(c, "use-service-account-credentials", false)
			switch {
			case !set:
				out = append(out, flagMissing(c, "use-service-account-credentials", reason,
					fmt.Sprintf("%s must set --use-service-account-credentials=true (controllers share the controller manager's credentials by default)", c)))
			case !on:
				out = append(out, flagAt(c, f, reason,
					fmt.Sprintf("%s must set --use-service-account-credentials=true, not %s", c, f.Value)))
			}
		}
		return out
	}))
}
