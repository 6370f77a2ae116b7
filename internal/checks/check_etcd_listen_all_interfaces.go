package checks

// etcd needs its client port only where the API servers reach it
// (loopback for kubeadm's stacked etcd, plus the node's address when other
// control-plane nodes do) and its peer port only on the network of the
// other members. Listening on all interfaces (0.0.0.0, [::] or no host)
// opens them on every network the node is on, pod and public networks
// included, leaving client certificates the only barrier.
//
// Inspected: --listen-client-urls and --listen-peer-urls of every etcd
// (static pod or process); their defaults are on localhost. Allowed:
// specific addresses. An etcd given --config-file ignores its other flags
// and is not judged here.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "etcd-listen-all-interfaces",
		Title:       "etcd listens on all interfaces",
		Category:    check.InformationDisclosure,
		Severity:    check.Medium,
		Description: "etcd listening on 0.0.0.0 or [::] exposes its client or peer port on every network of the node, so the store of every Secret is one certificate away from any host, or pod, that can route to the node.",
		Remediation: "List the specific addresses etcd must serve on in --listen-client-urls (for example https://127.0.0.1:2379 and the node's control-plane address) and --listen-peer-urls (the node's control-plane address), and firewall ports 2379 and 2380 to the control-plane nodes.",
		References: []string{
			"https://etcd.io/docs/v3.6/op-guide/configuration/",
			"https://kubernetes.io/docs/reference/networking/ports-and-protocols/",
		},
	}, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(host.Etcd) {
			if etcdConfigFile(c) {
				continue
			}
			for _, name := range []string{"listen-client-urls", "listen-peer-urls"} {
				f, ok := c.Flag(name)
				if !ok {
					continue
				}
				var all []string
				for _, u := range c.List(name) {
					if anyInterface(addrHost(u)) {
						all = append(all, u)
					}
				}
				if len(all) > 0 {
					out = append(out, flagAt(c, f, "etcd on all interfaces",
						fmt.Sprintf("%s must not listen on all interfaces: %s in --%s", c, strings.Join(all, ", "), name)))
				}
			}
		}
		return out
	}))
}
