package checks

// Service account tokens requested through the TokenRequest API
// (serviceaccounts/token, as kubectl create token does): a new credential
// for the service account, valid for as long as asked, that nothing lists
// afterwards. The kubelet's requests for the pods it runs are passed over.
//
// Inspected: completed, allowed creates on the token subresource of
// service accounts by anyone but a node.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-token-request",
		Title:       "Service account token requested",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "A principal other than a node requested a token for a service account: a new credential to act as that service account, which no object in the cluster records.",
		Remediation: "Confirm who needed to act as the service account and why; grant create on serviceaccounts/token only where needed and keep token lifetimes short.",
		References: []string{
			"https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/",
			"https://kubernetes.io/docs/concepts/security/service-accounts/",
		},
	}, func(auditlog.Options) auditlog.Detector {
		return newGrouped(func(e *auditlog.Event) (string, string, string, bool) {
			if !completed(e) || !e.Succeeded() || e.Resource() != "serviceaccounts" || e.Subresource() != "token" || e.Verb != "create" {
				return "", "", "", false
			}
			if strings.HasPrefix(e.User.Username, "system:node:") {
				return "", "", "", false
			}
			return "", e.Who(), "serviceaccount:" + e.Namespace() + ":" + e.Name(), true
		}, func(g *group) check.Finding {
			return check.Finding{AuditTrail: g.Trail.Subject(), Reason: "service account token requested",
				Detail: fmt.Sprintf("%s requested tokens for %s %s", g.Trail.Principal, g.notes(), g.Trail.Span())}
		})
	}))
}
