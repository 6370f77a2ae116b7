package checks

// The kube-apiserver serves Go's profiling endpoints (/debug/pprof) unless
// --profiling=false. They reveal the program's internals and let any
// caller RBAC allows to read them (the nonResourceURL /debug/pprof/*) make
// the API server spend CPU on CPU and heap profiles.
//
// Inspected: --profiling of every kube-apiserver (static pod or process).
// Allowed: --profiling=false.

import (
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(profilingCheck(check.Meta{
		ID:          "apiserver-profiling",
		Title:       "API server serves profiling endpoints",
		Category:    check.InformationDisclosure,
		Severity:    check.Low,
		Description: "Unless --profiling=false, the kube-apiserver serves Go's profiling endpoints under /debug/pprof, which reveal its internals to anyone RBAC lets read them and can be used to load it.",
		Remediation: "Set --profiling=false on the kube-apiserver.",
		CIS:         "1.2.15",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
			"https://github.com/kubernetes/community/blob/master/contributors/devel/sig-scalability/profiling.md",
		},
	}, host.APIServer, nil))
}
