package checks

// Helpers of the flag checks of kube-apiserver, etcd,
// kube-controller-manager and kube-scheduler.

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

// flagGiven reports whether c sets flag name to a value other than empty.
func flagGiven(c *host.Component, name string) (host.Flag, bool) {
	f, ok := c.Flag(name)
	if !ok || strings.TrimSpace(f.Value) == "" {
		return f, false
	}
	return f, true
}

// flagsRequired returns one finding per flag of names that c does not set
// (or sets empty), each with reason and the detail "<c> must set --<name>
// (<why>)".
func flagsRequired(c *host.Component, reason, why string, names ...string) []check.Finding {
	var out []check.Finding
	for _, n := range names {
		if f, ok := flagGiven(c, n); !ok {
			detail := fmt.Sprintf("%s must set --%s (%s)", c, n, why)
			if _, present := c.Flag(n); present {
				out = append(out, flagAt(c, f, reason, detail))
			} else {
				out = append(out, flagMissing(c, n, reason, detail))
			}
		}
	}
	return out
}

// featureGateOf returns the value flag --feature-gates of c gives gate, and
// whether it names gate; the last mention wins, as the components read it.
func featureGateOf(c *host.Component, gate string) (bool, host.Flag, bool) {
	f, ok := c.Flag("feature-gates")
	if !ok {
		return false, f, false
	}
	var val, named bool
	for _, kv := range c.List("feature-gates") {
		k, v, found := strings.Cut(kv, "=")
		if !found || strings.TrimSpace(k) != gate {
			continue
		}
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			continue
		}
		val, named = b, true
	}
	return val, f, named
}

// etcdConfigFile reports whether c reads its settings from a
// configuration file that replaces its flags (etcd's --config-file), so
// that its flags cannot be judged.
func etcdConfigFile(c *host.Component) bool {
	_, ok := flagGiven(c, "config-file")
	return ok
}

// addrHost returns the host of a URL or host:port address, without brackets;
// "" for an address without a host (":2379").
func addrHost(addr string) string {
	if u, err := url.Parse(addr); err == nil && u.Host != "" {
		return u.Hostname()
	}
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return strings.Trim(h, "[]")
	}
	return strings.Trim(addr, "[]")
}

// anyInterface reports whether host h listens on every interface: empty,
// 0.0.0.0 or ::.
func anyInterface(h string) bool {
	if h == "" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsUnspecified()
}

// loopbackHost reports whether host h is a loopback address or localhost.
func loopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// profilingCheck returns the check that component serves no profiling
// endpoints (--profiling is true by default in every control-plane
// component).
func profilingCheck(meta check.Meta, component string, skip func(c *host.Component) bool) funcCheck {
	return nodeCheck(meta, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(component) {
			if skip != nil && skip(c) {
				continue
			}
			on, f, set := flagBool(c, "profiling", true)
			switch {
			case !set:
				out = append(out, flagMissing(c, "profiling", "profiling endpoints served",
					fmt.Sprintf("%s must set --profiling=false (profiling is on by default)", c)))
			case on:
				out = append(out, flagAt(c, f, "profiling endpoints served",
					fmt.Sprintf("%s must set --profiling=false, not %s", c, f.Value)))
			}
		}
		return out
	})
}

// bindAddressCheck returns the check that component serves its secure port
// (health, metrics, profiling) on loopback only: --bind-address is 0.0.0.0
// (all interfaces) by default.
func bindAddressCheck(meta check.Meta, component string) funcCheck {
	return nodeCheck(meta, func(v *nodeView) []check.Finding {
		var out []check.Finding
		for _, c := range v.of(component) {
			if port, ok := c.Flag("secure-port"); ok && port.Value == "0" {
				continue // serves nothing
			}
			f, ok := c.Flag("bind-address")
			switch {
			case !ok:
				out = append(out, flagMissing(c, "bind-address", "port served beyond loopback",
					fmt.Sprintf("%s must set --bind-address=127.0.0.1 (it serves on all interfaces by default)", c)))
			case anyInterface(strings.TrimSpace(f.Value)):
				out = append(out, flagAt(c, f, "port served beyond loopback",
					fmt.Sprintf("%s must set --bind-address=127.0.0.1, not %q (all interfaces)", c, f.Value)))
			case !loopbackHost(strings.TrimSpace(f.Value)):
				out = append(out, flagAt(c, f, "port served beyond loopback",
					fmt.Sprintf("%s must set --bind-address=127.0.0.1, not %s", c, f.Value)))
			}
		}
		return out
	})
}

// countNoun returns n and noun, with an "s" unless n is 1.
func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// etcdTLS names the flags of one of etcd's two TLS sides: clients (prefix
// "") or peers (prefix "peer-").
type etcdTLS struct {
	prefix, side, listen, defaultListen string
}

// etcdTLSFindings judges one TLS side of etcd c: certificate and key set,
// client certificates required and verified against a CA, no auto-TLS, and
// https on every listen URL.
func etcdTLSFindings(c *host.Component, s etcdTLS, reason string) []check.Finding {
	var out []check.Finding
	out = append(out, flagsRequired(c, reason,
		"etcd serves its "+s.side+" without TLS by default", s.prefix+"cert-file", s.prefix+"key-file")...)
	auth := s.prefix + "client-cert-auth"
	on, f, set := flagBool(c, auth, false)
	switch {
	case !set:
		out = append(out, flagMissing(c, auth, reason,
			fmt.Sprintf("%s must set --%s=true (its %s need no client certificate by default)", c, auth, s.side)))
	case !on:
		out = append(out, flagAt(c, f, reason,
			fmt.Sprintf("%s must set --%s=true, not %s", c, auth, f.Value)))
	}
	out = append(out, flagsRequired(c, reason,
		"its "+s.side+"' client certificates are verified against no CA", s.prefix+"trusted-ca-file")...)
	if on, f, _ := flagBool(c, s.prefix+"auto-tls", false); on {
		out = append(out, flagAt(c, f, reason,
			fmt.Sprintf("%s must not set --%s=%s (a self-signed certificate no %s can verify)", c, s.prefix+"auto-tls", f.Value, strings.TrimSuffix(s.side, "s"))))
	}
	if f, ok := c.Flag(s.listen); ok {
		if plain := plainURLs(c.List(s.listen)); len(plain) > 0 {
			out = append(out, flagAt(c, f, reason,
				fmt.Sprintf("%s must listen for %s over https, not %s in --%s", c, s.side, strings.Join(plain, ", "), s.listen)))
		}
	} else {
		out = append(out, flagMissing(c, s.listen, reason,
			fmt.Sprintf("%s must set --%s to https URLs (%s by default)", c, s.listen, s.defaultListen)))
	}
	return out
}
