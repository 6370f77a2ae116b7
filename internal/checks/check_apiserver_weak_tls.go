package checks

// The kube-apiserver accepts TLS 1.2 and later by default, with Go's
// default cipher suites. --tls-min-version=VersionTLS10 or VersionTLS11
// lets clients negotiate protocol versions with known weaknesses, and
// --tls-cipher-suites can re-enable suites Go lists as insecure (RC4, 3DES,
// RSA key exchange without forward secrecy, CBC with SHA-256), which weaken
// the confidentiality and integrity of every API call.
//
// Inspected: --tls-min-version and --tls-cipher-suites of every
// kube-apiserver (static pod or process). Allowed: no minimum below
// VersionTLS12; no suite among crypto/tls's InsecureCipherSuites.

import (
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-weak-tls",
		Title:       "API server accepts weak TLS",
		Category:    check.InformationDisclosure,
		Severity:    check.Medium,
		Description: "A --tls-min-version below VersionTLS12, or --tls-cipher-suites listing suites Go marks insecure (RC4, 3DES, RSA key exchange without forward secrecy, CBC with SHA-256), lets a client or an attacker on the path negotiate TLS with known weaknesses to the kube-apiserver.",
		Remediation: "Remove --tls-min-version or set it to VersionTLS12 or VersionTLS13, and list only secure suites in --tls-cipher-suites (or leave it unset for Go's defaults).",
		CIS:         "1.2.29",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
			"https://pkg.go.dev/crypto/tls#InsecureCipherSuites",
		},
	}, func(v *nodeView) []check.Finding {
		const reason = "weak TLS"
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			if f, ok := c.Flag("tls-min-version"); ok {
				switch strings.TrimSpace(f.Value) {
				case "VersionTLS10", "VersionTLS11":
					out = append(out, flagAt(c, f, reason,
						fmt.Sprintf("%s must not set --tls-min-version=%s (below VersionTLS12)", c, f.Value)))
				}
			}
			if f, ok := c.Flag("tls-cipher-suites"); ok {
				var weak []string
				for _, s := range c.List("tls-cipher-suites") {
					if insecureCipherSuites[s] {
						weak = append(weak, s)
					}
				}
				if len(weak) > 0 {
					out = append(out, flagAt(c, f, reason,
						fmt.Sprintf("%s must not list insecure cipher suites in --tls-cipher-suites: %s", c, strings.Join(weak, ", "))))
				}
			}
		}
		return out
	}))
}

// insecureCipherSuites are the names of crypto/tls's insecure cipher
// suites. The legacy names the components also accept (the CHACHA20 suites
// without _SHA256) are of secure suites.
var insecureCipherSuites = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range tls.InsecureCipherSuites() {
		m[s.Name] = true
	}
	return m
}()
