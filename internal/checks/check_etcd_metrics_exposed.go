package checks

// etcd's metrics say how many keys each prefix holds, how the store grows,
// which requests are slow: a map of the cluster and a gauge for a denial of
// service against it. --listen-metrics-urls serves them (and /health)
// apart from the client port, with no authentication on an http URL.
// kubeadm puts it on http://127.0.0.1:2381, where only the node reaches it.
//
// Inspected: --listen-metrics-urls of every etcd (static pod or process),
// and --metrics, which adds per-request histograms when "extensive".
// Allowed: https URLs (etcd then asks for a client certificate when
// --client-cert-auth is on) and http on loopback. An etcd given
// --config-file ignores its other flags and is not judged here.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "etcd-metrics-exposed",
		Title:       "etcd serves metrics without protection",
		Category:    check.InformationDisclosure,
		Severity:    check.Medium,
		Description: "etcd's --listen-metrics-urls serves /metrics and /health on plain HTTP to anyone who can reach the address: the size and growth of every part of the store, the request rates and latencies of the API server's traffic, which tell an attacker what the cluster holds and when a load on it tells.",
		Remediation: "Serve metrics on loopback (kubeadm's http://127.0.0.1:2381) and scrape them from the node, or on an https URL with --client-cert-auth so that only the monitoring system's client certificate reads them; firewall the port from everything else.",
		References: []string{
			"https://etcd.io/docs/v3.6/op-guide/configuration/",
			"https://etcd.io/docs/v3.6/op-guide/monitoring/",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.Etcd) {
			if etcdConfigFile(c) {
				continue
			}
			f, ok := c.Flag("listen-metrics-urls")
			if !ok {
				continue
			}
			var open []string
			for _, u := range c.List("listen-metrics-urls") {
				if !strings.HasPrefix(strings.ToLower(u), "https://") && !loopbackHost(addrHost(u)) {
					open = append(open, u)
				}
			}
			if len(open) == 0 {
				continue
			}
			detail := fmt.Sprintf("%s must serve metrics over https or on loopback only, not %s in --listen-metrics-urls", c, strings.Join(open, ", "))
			if c.Value("metrics", "basic") == "extensive" {
				detail += " (with --metrics=extensive: per-request histograms too)"
			}
			out = append(out, flagAt(c, f, "etcd metrics unprotected", detail))
		}
		return out
	}))
}
