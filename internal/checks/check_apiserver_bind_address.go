package checks

// The kube-apiserver listens on --bind-address, every interface of the node
// by default. The nodes and in-cluster clients must reach it, so listening
// beyond loopback is normal; what keeps a flood of requests, credential
// guessing and probes of its anonymous endpoints away is then the network
// in front of it: firewall rules, security groups, a private network.
// kubestride cannot see those, so it reports where the API server listens
// for them to be confirmed.
//
// Inspected: --bind-address (and --secure-port) of every kube-apiserver
// (static pod or process) that serves its secure port.
// Allowed: a loopback address (behind a local proxy), or a private
// address (RFC 1918, RFC 4193, the shared address space 100.64.0.0/10 or
// link-local), which no one outside the private network routes to.
// Reported: all interfaces (unset, 0.0.0.0, ::), which includes any public
// address the node has, and a public address.

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-bind-address",
		Title:       "API server listening on all interfaces or a public address",
		Category:    check.DenialOfService,
		Severity:    check.Info,
		Description: "The kube-apiserver listens on every interface of the node (--bind-address 0.0.0.0, the default) or on a public address, so who can reach it, and flood it or guess credentials against it, depends on firewall rules kubestride cannot see.",
		Remediation: "Bind the kube-apiserver to the node's private address (--bind-address), or keep its secure port behind firewall rules or security groups that admit only the networks of its clients (nodes, load balancers, administrators).",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
			"https://kubernetes.io/docs/reference/networking/ports-and-protocols/",
			"https://kubernetes.io/docs/concepts/security/controlling-access/",
		},
	}, func(v *nodeView) []check.Finding {
		const reason = "API server reachability depends on firewalls"
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			port := "6443"
			if p, ok := c.Flag("secure-port"); ok {
				if p.Value == "0" {
					continue // serves nothing
				}
				port = strings.TrimSpace(p.Value)
			}
			f, ok := c.Flag("bind-address")
			switch addr := strings.TrimSpace(f.Value); {
			case !ok:
				out = append(out, flagMissing(c, "bind-address", reason,
					fmt.Sprintf("%s listens on port %s of every interface (--bind-address unset): firewall rules must admit only the networks of its clients", c, port)))
			case anyInterface(addr):
				out = append(out, flagAt(c, f, reason,
					fmt.Sprintf("%s listens on port %s of every interface (--bind-address=%s): firewall rules must admit only the networks of its clients", c, port, addr)))
			case publicAddress(addr):
				out = append(out, flagAt(c, f, reason,
					fmt.Sprintf("%s listens on port %s of the public address %s: firewall rules must admit only the networks of its clients", c, port, addr)))
			}
		}
		return out
	}))
}

// cgnat is the shared address space of RFC 6598, routed only inside a
// provider's network.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// publicAddress reports whether h is an IP address routed on the internet:
// not loopback, private, shared (100.64.0.0/10) or link-local. A host name
// is not judged.
func publicAddress(h string) bool {
	ip, err := netip.ParseAddr(h)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	return !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() && !ip.IsUnspecified() && !cgnat.Contains(ip)
}
