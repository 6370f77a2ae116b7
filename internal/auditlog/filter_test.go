package auditlog

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	. "github.com/kubestride/kubestride/internal/auditlog/auditlogtest"
)

var filterLog = []E{
	{ID: "1", User: "alice", Groups: []string{"dev"}, Verb: "get", Resource: "secrets", NS: "payments", Name: "db", IP: "10.0.0.7", Decision: "allow", Reason: `RBAC: allowed by RoleBinding "read" of Role "reader"`},
	{ID: "2", User: "bob", As: "system:serviceaccount:web:frontend", Verb: "delete", Resource: "pods", NS: "web", Name: "f-1", At: time.Minute, IP: "192.168.1.4", UA: "curl/8.5.0"},
	{ID: "3", User: "system:serviceaccount:web:frontend", Verb: "create", Resource: "pods", Sub: "exec", NS: "web", Name: "f-1", At: 2 * time.Minute, Code: 403, Decision: "forbid"},
	{ID: "4", User: "mall\u00f6ry", Verb: "list", Resource: "deployments", Group: "apps", At: 3 * time.Minute},
	{ID: "5", User: "alice", Verb: "get", Resource: "secrets", NS: "payments", Name: "db", At: 4 * time.Minute, Stage: "RequestReceived"},
}

// TestFilters runs each filter over a small log; each matches the events
// it names, and the cheap check before decoding never drops one of them.
func TestFilters(t *testing.T) {
	log := Log(filterLog...)
	// A line that spells a filtered value with a \u escape is still found.
	log += strings.Replace(E{ID: "6", User: "zed", Verb: "get", Resource: "pods", At: 5 * time.Minute}.Line(), `"zed"`, `"z\u0065d"`, 1) + "\n"
	at := func(d time.Duration) time.Time { return Base.Add(d) }
	for _, c := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"user", Filter{Users: []string{"alice"}}, []string{"1", "5"}},
		{"user spelled with an escape", Filter{Users: []string{"zed"}}, []string{"6"}},
		{"user outside ASCII", Filter{Users: []string{"mall\u00f6ry"}}, []string{"4"}},
		{"group", Filter{Groups: []string{"dev"}}, []string{"1"}},
		{"service account", Filter{ServiceAccounts: []string{"web:frontend"}}, []string{"3"}},
		{"service account with a slash", Filter{ServiceAccounts: []string{"web/frontend"}}, []string{"3"}},
		{"impersonated user", Filter{Impersonated: []string{"system:serviceaccount:web:frontend"}}, []string{"2"}},
		{"verbs", Filter{Verbs: []string{"delete", "list"}}, []string{"2", "4"}},
		{"resource alone is not its subresources", Filter{Resources: []string{"pods"}}, []string{"2", "6"}},
		{"subresource", Filter{Resources: []string{"pods/exec"}}, []string{"3"}},
		{"any subresource", Filter{Resources: []string{"pods/*"}}, []string{"2", "3", "6"}},
		{"namespace and name", Filter{Namespaces: []string{"web"}, Names: []string{"f-1"}}, []string{"2", "3"}},
		{"since and until", Filter{Since: at(time.Minute), Until: at(3 * time.Minute)}, []string{"2", "3"}},
		{"source IP", Filter{SourceIPs: []string{"10.0.0.7"}}, []string{"1"}},
		{"source CIDR", Filter{SourceIPs: []string{"192.168.0.0/16"}}, []string{"2"}},
		{"user agent part", Filter{UserAgents: []string{"curl/"}}, []string{"2"}},
		{"code", Filter{Codes: []int{403}}, []string{"3"}},
		{"decision", Filter{Decisions: []string{"forbid"}}, []string{"3"}},
		{"reason part", Filter{Reasons: []string{`RoleBinding "read"`}}, []string{"1"}},
		{"stage", Filter{Stages: []string{"RequestReceived"}}, []string{"5"}},
		{"all must match", Filter{Users: []string{"alice"}, Stages: []string{"ResponseComplete"}}, []string{"1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := c.f.Compile()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var e Event
			for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
				if err := Decode([]byte(line), &e); err != nil {
					t.Fatal(err)
				}
				if m.Match(&e) {
					got = append(got, e.AuditID)
					if !m.MayMatch([]byte(line)) {
						t.Errorf("event %s matches but was rejected before decoding", e.AuditID)
					}
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("matched (-want +got):\n%s", diff)
			}
			// The same through Query, as JSON lines.
			var out bytes.Buffer
			res, err := Query(&out, Input{Paths: []string{"-"}, Stdin: strings.NewReader(log)}, m, "json")
			if err != nil || len(res.Errors) > 0 || res.Matched != len(c.want) {
				t.Errorf("Query: %v, %+v", err, res)
			}
		})
	}
	for _, bad := range []Filter{{ServiceAccounts: []string{"frontend"}}, {SourceIPs: []string{"10.0.0.0/33"}}, {Decisions: []string{"deny"}}, {Resources: []string{"pods/exec/x"}}} {
		if _, err := bad.Compile(); err == nil {
			t.Errorf("%+v compiles", bad)
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-11-27T10:00:00Z":      time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
		"2026-11-27T11:00:00+01:00": time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
		"2h":                        time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
	} {
		got, err := ParseTime(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseTime("yesterday", now); err == nil {
		t.Error("yesterday parses")
	}
}
