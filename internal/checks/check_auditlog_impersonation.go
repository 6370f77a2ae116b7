package checks

// Requests made as another user through impersonation (kubectl --as),
// shown as "X as Y": the audit log's user is who held the credential, the
// impersonated user is whose permissions were used. A principal that may
// impersonate may act as anyone it is allowed to name, and its actions
// appear under that name elsewhere.
//
// Inspected: completed requests with an impersonatedUser; one finding per
// pair of principal and impersonated user.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-impersonation",
		Title:       "Requests made by impersonation",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "A principal made requests as another user or service account (impersonation); they were authorized with the other identity's permissions.",
		Remediation: "Confirm the impersonation was intended; grant the impersonate verb only to the few who need it, for the users, groups and service accounts they need.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation",
			"https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb",
		},
	}, func(auditlog.Options) auditlog.Detector {
		return newGrouped(func(e *auditlog.Event) (string, string, string, bool) {
			if !completed(e) || e.ImpersonatedUser == nil {
				return "", "", "", false
			}
			return "", e.Who(), e.Verb + " " + objectNote(e) + " " + outcome(e), true
		}, func(g *group) check.Finding {
			return check.Finding{AuditTrail: g.Trail.Subject(), Reason: "impersonation",
				Detail: fmt.Sprintf("%s made %s %s (%s)", g.Trail.Principal, requests(g.Trail.Count), g.Trail.Span(), g.notes())}
		})
	}))
}
