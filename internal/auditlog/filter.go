package auditlog

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Filter selects events. Within a field the values are alternatives (any
// may match); across fields all must match. Empty fields match everything.
type Filter struct {
	// Users match user.username exactly.
	Users []string
	// Groups match any of user.groups.
	Groups []string
	// ServiceAccounts are "namespace:name" (or "namespace/name", or the
	// whole user name system:serviceaccount:namespace:name).
	ServiceAccounts []string
	// Impersonated match impersonatedUser.username.
	Impersonated []string
	Verbs        []string
	// Resources are "resource", "resource/subresource" or "resource/*"; a
	// resource alone matches requests on the resource itself, not on its
	// subresources (as RBAC reads it).
	Resources  []string
	Namespaces []string
	Names      []string
	// Since and Until bound the time the request was received (inclusive,
	// exclusive); zero for no bound.
	Since, Until time.Time
	// SourceIPs match any of sourceIPs, exactly or within a CIDR prefix.
	SourceIPs []string
	// UserAgents match a part of userAgent.
	UserAgents []string
	// Codes match responseStatus.code.
	Codes []int
	// Decisions match the authorization.k8s.io/decision annotation
	// ("allow", "forbid").
	Decisions []string
	// Reasons match a part of the authorization.k8s.io/reason annotation.
	Reasons []string
	// Stages match stage.
	Stages []string
}

// Matcher is a compiled Filter.
type Matcher struct {
	f        Filter
	sas      []string
	prefixes []netip.Prefix
	// needles, per filtered field, are the bytes at least one of which a
	// line must hold to match: a line without any is rejected before it is
	// decoded.
	needles [][][]byte
}

// ParseTime reads a --since or --until value: an RFC 3339 time, or a
// duration before now ("2h", "30m").
func ParseTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time (2026-11-27T10:00:00Z) nor a duration (2h)", s)
}

// Compile checks f and prepares it.
func (f Filter) Compile() (*Matcher, error) {
	m := &Matcher{f: f}
	for _, sa := range f.ServiceAccounts {
		user := sa
		if !strings.HasPrefix(sa, "system:serviceaccount:") {
			ns, name, ok := strings.Cut(strings.Replace(sa, "/", ":", 1), ":")
			if !ok || ns == "" || name == "" || strings.Contains(name, ":") {
				return nil, fmt.Errorf("service account %q is not namespace:name", sa)
			}
			user = "system:serviceaccount:" + ns + ":" + name
		}
		m.sas = append(m.sas, user)
	}
	for _, ip := range f.SourceIPs {
		if strings.Contains(ip, "/") {
			p, err := netip.ParsePrefix(ip)
			if err != nil {
				return nil, fmt.Errorf("source IP %q: %w", ip, err)
			}
			m.prefixes = append(m.prefixes, p.Masked())
		}
	}
	for _, r := range f.Resources {
		res, sub, _ := strings.Cut(r, "/")
		if res == "" || strings.Contains(sub, "/") {
			return nil, fmt.Errorf("resource %q is not resource or resource/subresource", r)
		}
	}
	for _, d := range f.Decisions {
		if d != "allow" && d != "forbid" {
			return nil, fmt.Errorf("decision %q is not allow or forbid", d)
		}
	}
	// Needles: the values as JSON writes them, when JSON writes them as
	// they are (a value only a \u escape could spell otherwise is caught
	// by letting every line with a \u escape through).
	add := func(vals []string, fn func(string) string) {
		var set [][]byte
		for _, v := range vals {
			if v == "" || !plainJSON(v) {
				return // this field cannot reject lines cheaply
			}
			set = append(set, []byte(fn(v)))
		}
		if len(set) > 0 {
			m.needles = append(m.needles, set)
		}
	}
	same := func(s string) string { return s }
	add(f.Users, quoted)
	add(f.Groups, quoted)
	add(m.sas, quoted)
	add(f.Impersonated, quoted)
	add(f.Verbs, quoted)
	var resources []string
	for _, r := range f.Resources {
		res, _, _ := strings.Cut(r, "/")
		resources = append(resources, res)
	}
	add(resources, quoted)
	add(f.Namespaces, quoted)
	add(f.Names, quoted)
	if len(m.prefixes) == 0 {
		add(f.SourceIPs, quoted)
	}
	add(f.UserAgents, same)
	add(f.Reasons, same)
	add(f.Decisions, quoted)
	add(f.Stages, quoted)
	var codes []string
	for _, c := range f.Codes {
		codes = append(codes, strconv.Itoa(c))
	}
	add(codes, same)
	return m, nil
}

func quoted(s string) string { return `"` + s + `"` }

// plainJSON reports whether JSON writes s as its own bytes, whatever
// encoder wrote the log: printable ASCII but for the characters encoders
// escape.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' || c == '<' || c == '>' || c == '&' || c == '/' {
			return false
		}
	}
	return true
}

var unicodeEscape = []byte(`\u`)

// MayMatch reports whether line may hold a matching event: false only when
// it cannot. It is much cheaper than decoding the line.
func (m *Matcher) MayMatch(line []byte) bool {
	if len(m.needles) == 0 {
		return true
	}
	for _, set := range m.needles {
		found := false
		for _, n := range set {
			if bytes.Contains(line, n) {
				found = true
				break
			}
		}
		if !found {
			return bytes.Contains(line, unicodeEscape)
		}
	}
	return true
}

// Match reports whether e matches.
func (m *Matcher) Match(e *Event) bool {
	f := &m.f
	if len(f.Users) > 0 && !oneOf(e.User.Username, f.Users) {
		return false
	}
	if len(f.Groups) > 0 && !anyOf(e.User.Groups, f.Groups) {
		return false
	}
	if len(m.sas) > 0 && !oneOf(e.User.Username, m.sas) {
		return false
	}
	if len(f.Impersonated) > 0 && (e.ImpersonatedUser == nil || !oneOf(e.ImpersonatedUser.Username, f.Impersonated)) {
		return false
	}
	if len(f.Verbs) > 0 && !oneOf(e.Verb, f.Verbs) {
		return false
	}
	if len(f.Resources) > 0 && !m.resource(e) {
		return false
	}
	if len(f.Namespaces) > 0 && !oneOf(e.Namespace(), f.Namespaces) {
		return false
	}
	if len(f.Names) > 0 && !oneOf(e.Name(), f.Names) {
		return false
	}
	if t := e.Time(); !f.Since.IsZero() && t.Before(f.Since) || !f.Until.IsZero() && !t.Before(f.Until) {
		return false
	}
	if len(f.SourceIPs) > 0 && !m.sourceIP(e) {
		return false
	}
	if len(f.UserAgents) > 0 && !containsAny(e.UserAgent, f.UserAgents) {
		return false
	}
	if len(f.Codes) > 0 {
		ok := false
		for _, c := range f.Codes {
			ok = ok || e.HasStatus && int(e.Code) == c
		}
		if !ok {
			return false
		}
	}
	if len(f.Decisions) > 0 && !oneOf(e.Decision, f.Decisions) {
		return false
	}
	if len(f.Reasons) > 0 && !containsAny(e.Reason, f.Reasons) {
		return false
	}
	if len(f.Stages) > 0 && !oneOf(e.Stage, f.Stages) {
		return false
	}
	return true
}

func (m *Matcher) resource(e *Event) bool {
	for _, r := range m.f.Resources {
		res, sub, _ := strings.Cut(r, "/")
		if e.Resource() == res && (sub == "*" || sub == e.Subresource()) {
			return true
		}
	}
	return false
}

func (m *Matcher) sourceIP(e *Event) bool {
	for _, s := range e.SourceIPs {
		if len(m.prefixes) > 0 {
			ip, err := netip.ParseAddr(s)
			if err != nil {
				continue
			}
			for _, p := range m.prefixes {
				if p.Contains(ip.Unmap()) || p.Contains(ip) {
					return true
				}
			}
		}
		if oneOf(s, m.f.SourceIPs) {
			return true
		}
	}
	return false
}

func oneOf(s string, set []string) bool {
	for _, v := range set {
		if s == v {
			return true
		}
	}
	return false
}

func anyOf(have, set []string) bool {
	for _, h := range have {
		if oneOf(h, set) {
			return true
		}
	}
	return false
}

func containsAny(s string, parts []string) bool {
	for _, p := range parts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
