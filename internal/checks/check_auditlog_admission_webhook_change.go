package checks

// Admission webhooks and policies created, changed or deleted: a mutating
// webhook sees and may change every object it matches (a sidecar injected,
// a Secret copied out), and removing a validating webhook or policy turns
// off a guard.
//
// Inspected: completed, allowed writes on mutating and validating webhook
// configurations, validating and mutating admission policies and their
// bindings (admissionregistration.k8s.io).

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-admission-webhook-change",
		Title:       "Admission webhook or policy changed",
		Category:    check.Tampering,
		Severity:    check.High,
		Description: "An admission webhook configuration or admission policy was created, changed or deleted; a webhook reads and may change every object it matches, and removing one turns a guard off.",
		Remediation: "Confirm each change was reviewed and intended; revert the ones that were not, and limit writes on admissionregistration.k8s.io to reviewed automation.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/",
			"https://attack.mitre.org/techniques/T1562/",
		},
	}, func(auditlog.Options) auditlog.Detector {
		return newGrouped(func(e *auditlog.Event) (string, string, string, bool) {
			if !completed(e) || !e.Succeeded() || !isWrite(e.Verb) || e.Group() != "admissionregistration.k8s.io" || component(e.Acting()) {
				return "", "", "", false
			}
			switch e.Resource() {
			case "mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies",
				"validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings":
				return "", e.Who(), e.Verb + " " + objectNote(e), true
			}
			return "", "", "", false
		}, func(g *group) check.Finding {
			return check.Finding{AuditTrail: g.Trail.Subject(), Reason: "admission control changed",
				Detail: fmt.Sprintf("%s changed admission control (%s) %s", g.Trail.Principal, g.notes(), g.Trail.Span())}
		})
	}))
}
