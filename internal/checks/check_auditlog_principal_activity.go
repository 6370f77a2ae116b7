package checks

// What each principal did, in one line: how many requests, writes and
// denials, which verbs, from which addresses and with which clients, from
// when to when. It answers the first question of an investigation, and it
// shows the principals no other check names.
//
// Inspected: every completed request, per principal (impersonated requests
// under "X as Y"). The principals kept are capped; the ones past the cap
// are counted in one finding.

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-principal-activity",
		Title:       "Activity of a principal",
		Category:    check.Repudiation,
		Severity:    check.Info,
		Description: "A summary of what one principal did in the audit log: requests, writes, denials, verbs, source addresses and clients, and when; it ties every action to who made it.",
		Remediation: "Review the principals whose activity is unexpected with kubestride auditlog query --user or --service-account.",
		References: []string{
			"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/",
		},
	}, func(auditlog.Options) auditlog.Detector {
		return &activity{by: map[string]*principalActivity{}}
	}))
}

type activity struct {
	by      map[string]*principalActivity
	order   []string
	dropped int
}

type principalActivity struct {
	trail   auditlog.Trail
	writes  int
	denied  int
	verbs   map[string]int
	sources []string
	agents  []string
	moreSrc bool
	moreUA  bool
}

const maxActivitySources = 5

func (d *activity) Observe(e *auditlog.Event, _ func(check.Finding)) {
	if !completed(e) {
		return
	}
	who := e.Who()
	p := d.by[who]
	if p == nil {
		if len(d.by) >= maxGroups {
			d.dropped++
			return
		}
		p = &principalActivity{trail: auditlog.Trail{Principal: who}, verbs: map[string]int{}}
		d.by[who] = p
		d.order = append(d.order, who)
	}
	p.trail.Add(e)
	if isWrite(e.Verb) {
		p.writes++
	}
	if e.HasStatus && (e.Code == 401 || e.Code == 403) {
		p.denied++
	}
	if len(p.verbs) < 32 || p.verbs[e.Verb] > 0 {
		p.verbs[e.Verb]++
	}
	if ip := e.SourceIP(); ip != "" && !slices.Contains(p.sources, ip) {
		if len(p.sources) < maxActivitySources {
			p.sources = append(p.sources, ip)
		} else {
			p.moreSrc = true
		}
	}
	if ua := e.UserAgent; ua != "" && !slices.Contains(p.agents, ua) {
		if len(p.agents) < 3 {
			p.agents = append(p.agents, ua)
		} else {
			p.moreUA = true
		}
	}
}

func (d *activity) Flush(emit func(check.Finding)) {
	for _, who := range d.order {
		p := d.by[who]
		verbs := make([]string, 0, len(p.verbs))
		for v := range p.verbs {
			verbs = append(verbs, v)
		}
		sort.Slice(verbs, func(i, j int) bool {
			if p.verbs[verbs[i]] != p.verbs[verbs[j]] {
				return p.verbs[verbs[i]] > p.verbs[verbs[j]]
			}
			return verbs[i] < verbs[j]
		})
		for i, v := range verbs {
			verbs[i] = fmt.Sprintf("%s %d", v, p.verbs[v])
		}
		src := strings.Join(p.sources, ", ")
		if p.moreSrc {
			src += ", ..."
		}
		ua := strings.Join(p.agents, ", ")
		if p.moreUA {
			ua += ", ..."
		}
		emit(check.Finding{AuditTrail: p.trail.Subject(), Reason: "activity",
			Detail: fmt.Sprintf("%s made %s (%d writes, %d denied; %s) %s, from %s, with %s",
				who, requests(p.trail.Count), p.writes, p.denied, strings.Join(verbs, ", "), p.trail.Span(), orNone(src), orNone(ua))})
	}
	if d.dropped > 0 {
		emit(check.Finding{AuditTrail: (&auditlog.Trail{Principal: "(more principals)"}).Subject(), Reason: "activity",
			Detail: fmt.Sprintf("%d more requests by principals past the first %d summarized", d.dropped, maxGroups)})
	}
	d.by, d.order = map[string]*principalActivity{}, nil
}

func orNone(s string) string {
	if s == "" {
		return "none recorded"
	}
	return s
}
