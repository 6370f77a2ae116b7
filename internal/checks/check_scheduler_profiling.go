package checks

// The kube-scheduler serves Go's profiling endpoints (/debug/pprof) on its
// secure port unless profiling is switched off. They reveal the program's
// internals and can be used to load it.
//
// Inspected: --profiling of every kube-scheduler (static pod or process).
// Allowed: --profiling=false. A scheduler given a --config file ignores
// --profiling (its KubeSchedulerConfiguration's enableProfiling decides, and
// that file is not judged here), so it is skipped.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(profilingCheck(check.Meta{
		ID:          "scheduler-profiling",
		Title:       "Scheduler serves profiling endpoints",
		Category:    check.InformationDisclosure,
		Severity:    check.Low,
		Description: "Unless profiling is switched off, the kube-scheduler serves Go's profiling endpoints under /debug/pprof, which reveal its internals and can be used to load it.",
		Remediation: "Set --profiling=false on the kube-scheduler, or enableProfiling: false in its KubeSchedulerConfiguration when it reads one (--config).",
		CIS:         "1.4.1",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/",
		},
	}, host.Scheduler, func(c *host.Component) bool {
		_, ok := flagGiven(c, "config")
		return ok
	}))
}
