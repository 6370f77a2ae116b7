package checks

// Commands run in containers (exec), terminals attached (attach) and ports
// forwarded (portforward): each opens a way into a running pod past the
// pod's own interfaces, and is how credentials and data are taken from a
// workload by hand.
//
// Inspected: completed requests on the exec, attach and portforward
// subresources of pods, allowed or not; one finding per principal and pod.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-pod-exec",
		Title:       "Exec, attach or port-forward into a pod",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Medium,
		Description: "A principal ran a command in a container, attached to one or forwarded a port of a pod: direct access to a workload, its files, its credentials and its network, outside its own interfaces.",
		Remediation: "Confirm each session was intended; grant pods/exec, pods/attach and pods/portforward only to the few who need them, for a limited time.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/rbac-good-practices/#exec",
			"https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/",
		},
	}, func(auditlog.Options) auditlog.Detector {
		return newGrouped(func(e *auditlog.Event) (string, string, string, bool) {
			sub := e.Subresource()
			if !completed(e) || e.Resource() != "pods" || (sub != "exec" && sub != "attach" && sub != "portforward") {
				return "", "", "", false
			}
			return sub + " " + e.Namespace() + "/" + e.Name(), e.Who(), outcome(e), true
		}, func(g *group) check.Finding {
			return check.Finding{AuditTrail: g.Trail.Subject(), Reason: "session into a pod",
				Detail: fmt.Sprintf("%s used pods/%s %s (%s)", g.Trail.Principal, g.Key[len(g.Trail.Principal)+1:], g.Trail.Span(), g.notes())}
		})
	}))
}
