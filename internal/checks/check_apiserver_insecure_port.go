package checks

// Before v1.24 the kube-apiserver could serve plain HTTP on --insecure-port
// (alias --port; 8080 by default before v1.20), where every request is
// served without authentication or authorization as a cluster admin.
// --secure-port=0 switches off the TLS port instead. The flags were
// removed in v1.24 and a newer API server refuses to start with them; a
// manifest that still sets them is a leftover, or one of an older cluster.
//
// Inspected: --insecure-port, --port, --insecure-bind-address and
// --secure-port of every kube-apiserver (static pod or process). Allowed:
// no insecure port (not set, or 0) and a secure port other than 0.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-insecure-port",
		Title:       "API server serves an unauthenticated port",
		Category:    check.Spoofing,
		Severity:    check.Critical,
		Description: "An --insecure-port other than 0 serves the API over plain HTTP with neither authentication nor authorization: anyone who reaches it is a cluster admin. The flag was removed in v1.24; --secure-port=0 switches off the API server's TLS port.",
		Remediation: "Remove --insecure-port, --port and --insecure-bind-address from the kube-apiserver (or set --insecure-port=0 on a version before v1.24) and serve the API on a --secure-port other than 0.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/controlling-access/#transport-security",
			"https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.24.md",
		},
	}, func(v *nodeView) []check.Finding {
		const reason = "unauthenticated port"
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			for _, name := range []string{"insecure-port", "port"} {
				if f, ok := c.Flag(name); ok && strings.TrimSpace(f.Value) != "0" {
					out = append(out, flagAt(c, f, reason,
						fmt.Sprintf("%s must not set --%s=%s (plain HTTP without authentication or authorization; removed in v1.24)", c, name, f.Value)))
				}
			}
			if f, ok := c.Flag("secure-port"); ok && strings.TrimSpace(f.Value) == "0" {
				fd := flagAt(c, f, reason, fmt.Sprintf("%s must not set --secure-port=0 (the API is then served on no TLS port)", c))
				fd.Severity = check.Medium
				out = append(out, fd)
			}
		}
		return out
	}))
}
