package checks

// The kube-controller-manager serves Go's profiling endpoints
// (/debug/pprof) on its secure port unless --profiling=false. They reveal
// the program's internals and can be used to load it.
//
// Inspected: --profiling of every kube-controller-manager (static pod or
// process). Allowed: --profiling=false.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(profilingCheck(check.Meta{
		ID:          "controller-manager-profiling",
		Title:       "Controller manager serves profiling endpoints",
		Category:    check.InformationDisclosure,
		Severity:    check.Low,
		Description: "Unless --profiling=false, the kube-controller-manager serves Go's profiling endpoints under /debug/pprof, which reveal its internals and can be used to load it.",
		Remediation: "Set --profiling=false on the kube-controller-manager.",
		CIS:         "1.3.2",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
		},
	}, host.ControllerManager, nil))
}
