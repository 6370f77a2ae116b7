package checks

// Requests without credentials (served as system:anonymous) and requests
// whose credentials failed (401), by source address and client: scanning
// of the API server from outside, stolen or expired tokens tried, a
// misconfigured client. The health endpoints that load balancers probe
// anonymously are passed over.
//
// Inspected: completed requests by system:anonymous (but for /healthz,
// /livez, /readyz and /version) and every request answered 401 (a failed
// authentication is audited at the ResponseStarted stage only, without a
// user); one finding per source address and user agent.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-anonymous-request",
		Title:       "Anonymous or unauthenticated requests",
		Category:    check.Spoofing,
		Severity:    check.Medium,
		Description: "Requests reached the API server without credentials, or with credentials it rejected (401): someone probing the API, or trying tokens that are stolen, expired or revoked.",
		Remediation: "Find the source and client named; block sources that have no business with the API server, and set --anonymous-auth=false or limit anonymous access to the health endpoints.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
			"https://attack.mitre.org/techniques/T1110/",
		},
	}, func(auditlog.Options) auditlog.Detector {
		return newGrouped(func(e *auditlog.Event) (string, string, string, bool) {
			// A failed authentication is audited at ResponseStarted
			// only, without a user.
			failedAuthn := e.Stage == "ResponseStarted" && e.User.Username == ""
			if !completed(e) && !failedAuthn {
				return "", "", "", false
			}
			unauthorized := e.HasStatus && e.Code == 401
			anonymous := completed(e) && e.User.Username == "system:anonymous" && !healthEndpoint(e.RequestURI)
			if !unauthorized && !anonymous {
				return "", "", "", false
			}
			note := "anonymous " + e.Verb + " " + e.RequestURI
			if unauthorized {
				note = "401 " + e.Verb + " " + e.RequestURI
			}
			if len(note) > 80 {
				note = note[:80] + "..."
			}
			return e.SourceIP() + " " + e.UserAgent, e.Principal() + " from " + e.SourceIP(), note, true
		}, func(g *group) check.Finding {
			ua := g.Key[len(g.Trail.Principal)+1:]
			_, ua, _ = strings.Cut(ua, " ")
			return check.Finding{AuditTrail: g.Trail.Subject(), Reason: "requests without valid credentials",
				Detail: fmt.Sprintf("%s with user agent %q made %s without valid credentials %s (%s)",
					g.Trail.Principal, ua, requests(g.Trail.Count), g.Trail.Span(), g.notes())}
		})
	}))
}

func healthEndpoint(uri string) bool {
	path, _, _ := strings.Cut(uri, "?")
	switch path {
	case "/healthz", "/livez", "/readyz", "/version", "/version/":
		return true
	}
	return strings.HasPrefix(path, "/healthz/") || strings.HasPrefix(path, "/livez/") || strings.HasPrefix(path, "/readyz/")
}
