package checks

// The kube-controller-manager serves health, metrics and profiling
// endpoints on its secure port (10257) on --bind-address, all interfaces
// (0.0.0.0) by default. Only the node itself needs them; on other
// interfaces they are open to the network (health checks answer without
// authentication).
//
// Inspected: --bind-address of every kube-controller-manager (static pod or
// process) that serves its secure port (--secure-port other than 0).
// Allowed: a loopback address (127.0.0.1, ::1) or localhost.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(bindAddressCheck(check.Meta{
		ID:          "controller-manager-bind-address",
		Title:       "Controller manager port open beyond loopback",
		Category:    check.InformationDisclosure,
		Severity:    check.Low,
		Description: "The kube-controller-manager serves its health, metrics and profiling endpoints on --bind-address, all interfaces by default, which exposes them to the network instead of to the node alone.",
		Remediation: "Set --bind-address=127.0.0.1 on the kube-controller-manager.",
		CIS:         "1.3.7",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
			"https://kubernetes.io/docs/reference/networking/ports-and-protocols/",
		},
	}, host.ControllerManager))
}
