package checks

// etcd holds every object of the cluster, Secrets included. The
// kube-apiserver must reach it over TLS (https in --etcd-servers and
// --etcd-servers-overrides), verify it (--etcd-cafile) and authenticate to
// it with a client certificate (--etcd-certfile, --etcd-keyfile), so that
// neither the traffic nor the store is open to whoever reaches etcd's port.
//
// Inspected: those flags of every kube-apiserver (static pod or process).
// Allowed: https (or unix socket) servers only, and the three files set.

import (
	"fmt"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "apiserver-etcd-tls",
		Title:       "API server talks to etcd without TLS",
		Category:    check.Tampering,
		Severity:    check.High,
		Description: "The kube-apiserver stores every object, Secrets included, in etcd. Over http, or without verifying etcd's certificate (--etcd-cafile) and presenting its own (--etcd-certfile, --etcd-keyfile), the traffic can be read and altered on the way, and etcd cannot require client certificates of its callers.",
		Remediation: "Use https URLs in --etcd-servers and set --etcd-cafile, --etcd-certfile and --etcd-keyfile on the kube-apiserver, with etcd requiring client certificates (--client-cert-auth=true).",
		CIS:         "1.2.23, 1.2.26",
		References: []string{
			"https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters",
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
		},
	}, func(v *nodeView) []check.Finding {
		const reason = "etcd traffic without TLS"
		var out []check.Finding
		for _, c := range v.of(host.APIServer) {
			if f, ok := c.Flag("etcd-servers"); ok {
				if plain := plainURLs(c.List("etcd-servers")); len(plain) > 0 {
					out = append(out, flagAt(c, f, reason,
						fmt.Sprintf("%s must reach etcd over https, not %s in --etcd-servers", c, strings.Join(plain, ", "))))
				}
			}
			if f, ok := c.Flag("etcd-servers-overrides"); ok {
				var urls []string
				for _, o := range c.List("etcd-servers-overrides") {
					if _, servers, ok := strings.Cut(o, "#"); ok {
						urls = append(urls, strings.Split(servers, ";")...)
					}
				}
				if plain := plainURLs(urls); len(plain) > 0 {
					out = append(out, flagAt(c, f, reason,
						fmt.Sprintf("%s must reach etcd over https, not %s in --etcd-servers-overrides", c, strings.Join(plain, ", "))))
				}
			}
			out = append(out, flagsRequired(c, reason, "etcd's certificate is not verified without it", "etcd-cafile")...)
			out = append(out, flagsRequired(c, reason, "the API server presents no client certificate to etcd", "etcd-certfile", "etcd-keyfile")...)
		}
		return out
	}))
}

// plainURLs returns the URLs of urls that are not https or a unix socket.
func plainURLs(urls []string) []string {
	var out []string
	for _, u := range urls {
		u = strings.TrimSpace(u)
		lower := strings.ToLower(u)
		if u == "" || strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "unix://") || strings.HasPrefix(lower, "unixs://") {
			continue
		}
		out = append(out, u)
	}
	return out
}
