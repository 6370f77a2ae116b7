package checks

// Secrets read through the API: by a person (a user that is no service
// account or component), by a service account outside its own namespace,
// or listed across all namespaces. Each is how credentials leave a cluster;
// the finding names who read which secrets, when and how many times.
//
// Inspected: completed get, list and watch requests on core secrets that
// the API server allowed.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-secret-read",
		Title:       "Secrets read",
		Category:    check.InformationDisclosure,
		Severity:    check.Medium,
		Description: "A person, a service account outside its own namespace, or anyone listing secrets across all namespaces read Secrets through the API; whoever reads a Secret holds its credentials.",
		Remediation: "Confirm each read was intended; revoke the RBAC that allowed reads that were not and rotate the Secrets they read.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
			"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/",
		},
	}, func(auditlog.Options) auditlog.Detector {
		return newGrouped(func(e *auditlog.Event) (string, string, string, bool) {
			if !completed(e) || !e.Succeeded() || e.Resource() != "secrets" || e.Group() != "" || e.Subresource() != "" {
				return "", "", "", false
			}
			if e.Verb != "get" && e.Verb != "list" && e.Verb != "watch" {
				return "", "", "", false
			}
			user := e.Acting()
			ns := e.Namespace()
			note := e.Verb + " " + ns + "/" + e.Name()
			if e.Name() == "" {
				note = e.Verb + " " + ns
			}
			switch saNS, _, isSA := auditlog.ServiceAccount(user); {
			case ns == "" && (e.Verb == "list" || e.Verb == "watch") && !component(user):
				return "all", e.Who(), "all namespaces", true
			case isSA && ns != saNS:
				return "foreign", e.Who(), note, true
			case auditlog.Human(user):
				return "human", e.Who(), note, true
			}
			return "", "", "", false
		}, func(g *group) check.Finding {
			f := check.Finding{AuditTrail: g.Trail.Subject(), Reason: "secrets read"}
			kind := g.Key[len(g.Trail.Principal)+1:]
			switch kind {
			case "all":
				f.Severity = check.High
				f.Detail = fmt.Sprintf("%s listed secrets across all namespaces %s", g.Trail.Principal, g.Trail.Span())
			case "foreign":
				f.Severity = check.High
				f.Detail = fmt.Sprintf("%s read secrets outside its namespace (%s) %s", g.Trail.Principal, g.notes(), g.Trail.Span())
			default:
				f.Detail = fmt.Sprintf("%s read secrets (%s) %s", g.Trail.Principal, g.notes(), g.Trail.Span())
			}
			return f
		})
	}))
}
