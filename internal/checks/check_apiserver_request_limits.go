package checks

// The kube-apiserver sheds load with API Priority and Fairness (on by
// default; --enable-priority-and-fairness=false switches it off), whose
// total concurrency is --max-requests-inflight (400) plus
// --max-mutating-requests-inflight (200). Without it those two flags are
// plain caps, and 0 removes a cap: one noisy client can then exhaust the
// API server for everyone, controllers and kubelets included.
// --request-timeout (1m by default) bounds how long a non-watch request may
// hold its seat; a long timeout lets slow requests pile up.
//
// Inspected: those flags of every kube-apiserver (static pod or process).
// Allowed: Priority and Fairness on (or, without it, caps other than 0) and
// a request timeout of at most 5 minutes.

import (
	"fmt"
	"strings"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

// maxRequestTimeout is the longest --request-timeout not reported.
const maxRequestTimeout = 5 * time.Minute

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-request-limits",
		Title:       "API server request limits switched off",
		Category:    check.DenialOfService,
		Severity:    check.Medium,
		Description: "API Priority and Fairness (on by default) and the in-flight request limits keep one client from exhausting the kube-apiserver. Switching Priority and Fairness off and setting --max-requests-inflight or --max-mutating-requests-inflight to 0 removes every limit; a long --request-timeout lets slow requests hold their seats.",
		Remediation: "Leave --enable-priority-and-fairness at its default (true), keep --max-requests-inflight and --max-mutating-requests-inflight above 0, and keep --request-timeout at 5 minutes or less (1m by default).",
		CIS:         "1.2.20",
		References: []string{
			"https://kubernetes.io/docs/concepts/cluster-administration/flow-control/",
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
		},
	}, func(v *nodeView) []check.Finding {
		const reason = "request limits switched off"
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			apf, f, set := flagBool(c, "enable-priority-and-fairness", true)
			if set && !apf {
				out = append(out, flagAt(c, f, reason,
					fmt.Sprintf("%s must not set --enable-priority-and-fairness=%s (API Priority and Fairness is on by default)", c, f.Value)))
				for _, name := range []string{"max-requests-inflight", "max-mutating-requests-inflight"} {
					if g, ok := c.Flag(name); ok && strings.TrimSpace(g.Value) == "0" {
						out = append(out, flagAt(c, g, reason,
							fmt.Sprintf("%s must not set --%s=0 (no limit without API Priority and Fairness)", c, name)))
					}
				}
			}
			if g, ok := c.Flag("request-timeout"); ok {
				if d, err := time.ParseDuration(strings.TrimSpace(g.Value)); err == nil && d > maxRequestTimeout {
					fd := flagAt(c, g, reason,
						fmt.Sprintf("%s must set --request-timeout to %s or less, not %s", c, maxRequestTimeout, g.Value))
					fd.Severity = check.Low
					out = append(out, fd)
				}
			}
		}
		return out
	}))
}
