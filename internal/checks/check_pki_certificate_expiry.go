package checks

// A certificate past its NotAfter is refused: an expired CA or API server
// certificate stops the control plane, an expired client certificate
// locks its component out. kubeadm's certificates last a year and are
// renewed by upgrades or `kubeadm certs renew`; a cluster not upgraded
// within the year fails on the day.
//
// Inspected: every certificate the node command read (etc/kubernetes/pki
// and the files flags point at). Allowed: certificates valid for more than
// 30 days. An expired CA is critical, another expired certificate high,
// one expiring within 30 days medium.

import (
	"fmt"
	"time"

	"github.com/kubestride/kubestride/internal/check"
)

// expiryWarning is how long before expiry a certificate is reported.
const expiryWarning = 30 * 24 * time.Hour

func init() {
	check.Register(nodeCheckAt(check.Meta{
		ID:          "pki-certificate-expiry",
		Title:       "Certificate expired or expiring",
		Category:    check.DenialOfService,
		Severity:    check.High,
		NeedsHost:   true,
		Description: "An expired certificate is refused by every peer: an expired certificate authority or API server certificate stops the control plane, an expired client certificate locks its component out. Certificates that expire within 30 days are reported before they do.",
		Remediation: "Renew the certificate before it expires (kubeadm certs renew, or upgrade the control plane), and monitor expiry with kubeadm certs check-expiration.",
		References: []string{
			"https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/",
			"https://kubernetes.io/docs/setup/best-practices/certificates/",
		},
	}, func(v *nodeView, now time.Time) []check.Finding {
		n := v.inv.Host
		if n == nil {
			return nil
		}
		var out []check.Finding
		for _, c := range sortedCertificates(n) {
			date := c.NotAfter.UTC().Format(time.DateOnly)
			left := c.NotAfter.Sub(now)
			switch {
			case left <= 0:
				f := fileAt(c.Path, "certificate expired", fmt.Sprintf("%s must be renewed: it expired on %s", certName(c), date))
				if c.IsCA {
					f.Severity = check.Critical
				}
				out = append(out, f)
			case left <= expiryWarning:
				f := fileAt(c.Path, "certificate expiring", fmt.Sprintf("%s must be renewed: it expires on %s, in %d days", certName(c), date, int(left.Hours()/24)))
				f.Severity = check.Medium
				out = append(out, f)
			}
		}
		return out
	}))
}
