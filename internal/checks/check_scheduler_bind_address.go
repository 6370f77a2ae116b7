package checks

// The kube-scheduler serves health, metrics and profiling endpoints on its
// secure port (10259) on --bind-address, all interfaces (0.0.0.0) by
// default. Only the node itself needs them; on other interfaces they are
// open to the network (health checks answer without authentication).
//
// Inspected: --bind-address of every kube-scheduler (static pod or process)
// that serves its secure port (--secure-port other than 0). Allowed: a
// loopback address (127.0.0.1, ::1) or localhost.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(bindAddressCheck(check.Meta{
		ID:          "scheduler-bind-address",
		Title:       "Scheduler port open beyond loopback",
		Category:    check.InformationDisclosure,
		Severity:    check.Low,
		Description: "The kube-scheduler serves its health, metrics and profiling endpoints on --bind-address, all interfaces by default, which exposes them to the network instead of to the node alone.",
		Remediation: "Set --bind-address=127.0.0.1 on the kube-scheduler.",
		CIS:         "1.4.2",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/",
			"https://kubernetes.io/docs/reference/networking/ports-and-protocols/",
		},
	}, host.Scheduler))
}
