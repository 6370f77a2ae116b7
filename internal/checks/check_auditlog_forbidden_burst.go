package checks

// A burst of authorization denials (403) by one principal: a stolen
// credential being tried against everything to learn what it may do
// (kubectl auth can-i --list, or request after request), the
// reconnaissance that comes before escalation.
//
// Inspected: completed requests answered 403, per principal, in a sliding
// window (auditlog report --forbidden-window, default 1 minute); a burst is
// --forbidden-threshold denials (default 20) within it. One finding per
// principal, counting its bursts. State per principal is the times of its
// last threshold denials. On a live stream, each tick reports the bursts
// seen since the last one (a burst still going on is reported again, as
// continued, with its further denials) and forgets the principals whose
// last denial is older than the window.

import (
	"fmt"
	"time"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-forbidden-burst",
		Title:       "Burst of authorization denials",
		Category:    check.InformationDisclosure,
		Severity:    check.High,
		Description: "One principal was denied (403) many times within a short window: the pattern of a credential being tried against the API to discover what it may do, before an attempt to escalate.",
		Remediation: "Find out who holds the principal's credential and why it probed the API; revoke the credential if it was not its owner.",
		References: []string{
			"https://attack.mitre.org/techniques/T1069/",
			"https://kubernetes.io/docs/reference/access-authn-authz/authorization/",
		},
	}, func(o auditlog.Options) auditlog.Detector {
		return &forbiddenBursts{window: o.ForbiddenWindow, threshold: o.ForbiddenThreshold, by: map[string]*denials{}}
	}))
}

type forbiddenBursts struct {
	window    time.Duration
	threshold int
	by        map[string]*denials
	order     []string
	lastPrune time.Time
}

// denials are one principal's recent denials and its bursts.
type denials struct {
	times  []time.Time // a ring of the last threshold denials
	next   int
	until  time.Time // the end of the burst in progress
	bursts int
	peak   int
	inRun  int
	trail  auditlog.Trail
	notes  []string
	last   time.Time // the latest denial
}

func (d *forbiddenBursts) Observe(e *auditlog.Event, _ func(check.Finding)) {
	if !completed(e) || !e.HasStatus || e.Code != 403 {
		return
	}
	who := e.Who()
	p := d.by[who]
	if p == nil {
		if len(d.by) >= maxGroups {
			return
		}
		p = &denials{times: make([]time.Time, 0, d.threshold), trail: auditlog.Trail{Principal: who}}
		d.by[who] = p
		d.order = append(d.order, who)
	}
	at := e.Time()
	if at.After(p.last) {
		p.last = at
	}
	if len(p.times) < d.threshold {
		p.times = append(p.times, at)
	} else {
		p.times[p.next] = at
		p.next = (p.next + 1) % d.threshold
	}
	if at.Before(p.until) {
		// Within a burst already counted.
		p.inRun++
		if p.inRun > p.peak {
			p.peak = p.inRun
		}
		p.until = at.Add(d.window)
		p.trail.Add(e)
		return
	}
	oldest := p.times[p.next%len(p.times)]
	if len(p.times) == d.threshold && at.Sub(oldest) <= d.window {
		p.bursts++
		p.inRun = d.threshold
		if p.inRun > p.peak {
			p.peak = p.inRun
		}
		p.until = at.Add(d.window)
		p.trail.Add(e)
		if len(p.notes) < maxNotes {
			p.notes = append(p.notes, fmt.Sprintf("%d denials from %s to %s", d.threshold, oldest.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339)))
		}
	}
}

func (d *forbiddenBursts) Flush(emit func(check.Finding)) {
	for _, who := range d.order {
		if p := d.by[who]; p.bursts > 0 {
			emit(d.finding(who, p))
		}
	}
	d.by, d.order = map[string]*denials{}, nil
}

func (d *forbiddenBursts) finding(who string, p *denials) check.Finding {
	if p.bursts == 0 {
		return check.Finding{AuditTrail: p.trail.Subject(), Reason: "authorization denials in a burst",
			Detail: fmt.Sprintf("%s was denied %d more times in a burst already reported (%d or more denials within %s; %d in it so far)",
				who, p.trail.Count, d.threshold, d.window, p.inRun)}
	}
	return check.Finding{AuditTrail: p.trail.Subject(), Reason: "authorization denials in a burst",
		Detail: fmt.Sprintf("%s was denied %d or more times within %s, %d %s (%d denials in the longest; %s)",
			who, d.threshold, d.window, p.bursts, map[bool]string{true: "time", false: "times"}[p.bursts == 1], p.peak, joinNotes(p.notes))}
}

// Tick reports the principals with denials in a burst since the last tick
// and forgets those whose last denial is older than the window.
func (d *forbiddenBursts) Tick(now time.Time, emit func(check.Finding)) {
	kept := d.order[:0]
	for _, who := range d.order {
		p := d.by[who]
		if p.trail.Count > 0 {
			emit(d.finding(who, p))
			p.trail = auditlog.Trail{Principal: who}
			p.bursts, p.peak, p.notes = 0, 0, nil
		}
		if now.Sub(p.last) > d.window {
			delete(d.by, who)
			continue
		}
		kept = append(kept, who)
	}
	clear(d.order[len(kept):])
	d.order = kept
}

func joinNotes(n []string) string {
	s := ""
	for i, v := range n {
		if i > 0 {
			s += ", "
		}
		s += v
	}
	return s
}
