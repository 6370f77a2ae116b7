package checks

// A binding created and then deleted by its own creator or by a subject it
// named: the pattern of an attacker who grants themself a role, uses it,
// and removes the grant so that RBAC no longer shows it. Only the audit log
// still does.
//
// Inspected: role bindings and cluster role bindings created (their
// subjects read from the logged body, where there is one) and deleted
// within the window (24 hours by default) by the principal that created
// them or by one of their subjects; the finding counts the requests the
// subjects made while the binding existed. State is kept per binding for
// the window only.

import (
	"fmt"
	"slices"
	"time"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-binding-covered-tracks",
		Title:       "Binding created, then deleted by its creator or beneficiary",
		Category:    check.Repudiation,
		Severity:    check.High,
		Description: "A RoleBinding or ClusterRoleBinding was created and later deleted by the principal that created it or by a subject it granted: a grant used and then removed, so that RBAC no longer shows what was done with it.",
		Remediation: "Investigate what the binding's subjects did while it existed (kubestride auditlog query --user) and who created it; restrict the bind and escalate verbs and role binding writes to reviewed automation.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-binding-creation-or-update",
			"https://attack.mitre.org/techniques/T1070/",
		},
	}, func(o auditlog.Options) auditlog.Detector {
		return &coveredTracks{window: o.CoverWindow, live: map[string]*liveBinding{}}
	}))
}

// maxLiveBindings caps the bindings followed at once.
const maxLiveBindings = 100000

type coveredTracks struct {
	window time.Duration
	live   map[string]*liveBinding
	// byUser indexes, per subject user name, the live bindings naming it,
	// to count what the subjects did.
	byUser    map[string][]string
	lastPrune time.Time
}

type liveBinding struct {
	key      string
	creator  string
	who      string
	users    []string
	groups   []string
	subjects string
	role     string
	trail    auditlog.Trail
	used     int
}

func (d *coveredTracks) Observe(e *auditlog.Event, emit func(check.Finding)) {
	if d.byUser == nil {
		d.byUser = map[string][]string{}
	}
	if !completed(e) {
		return
	}
	d.prune(e.Time())
	if !e.Succeeded() {
		return
	}
	// The subjects' requests while a binding names them (the deletion
	// that ends it is not one).
	created := ""
	defer func() {
		for _, key := range d.byUser[e.Acting()] {
			if b := d.live[key]; b != nil && key != created {
				b.used++
			}
		}
	}()
	if !isBindingResource(e) {
		return
	}
	key := e.Resource() + " " + e.Namespace() + "/" + e.Name()
	switch e.Verb {
	case "create":
		if len(d.live) >= maxLiveBindings {
			return
		}
		b := &liveBinding{key: key, creator: e.Acting(), who: e.Who(), trail: auditlog.Trail{}}
		b.trail.Add(e)
		if bd := bindingOf(e); bd != nil {
			b.users, b.groups = bd.users()
			b.subjects = bd.subjects()
			b.role = bd.RoleRef.Kind + " " + bd.RoleRef.Name
		}
		d.live[key] = b
		created = key
		for _, u := range b.users {
			d.byUser[u] = append(d.byUser[u], key)
		}
	case "delete":
		b := d.live[key]
		if b == nil {
			return
		}
		d.forget(b)
		deleter := e.Acting()
		var by string
		switch {
		case deleter == b.creator:
			by = "its creator"
		case slices.Contains(b.users, deleter):
			by = "its subject"
		default:
			for _, g := range b.groups {
				if e.InGroup(g) {
					by = "a member of its subject group " + g
				}
			}
		}
		if by == "" {
			return
		}
		b.trail.Add(e)
		b.trail.Principal = e.Who()
		what := objectNote(e)
		if b.role != "" {
			what += " (" + b.role + " to " + b.subjects + ")"
		}
		emit(check.Finding{AuditTrail: b.trail.Subject(), Reason: "grant removed by its beneficiary",
			Detail: fmt.Sprintf("%s deleted %s at %s, %s after %s created it; the deleter is %s, and its subjects made %d requests in between",
				e.Who(), what, e.Time().UTC().Format(time.RFC3339), e.Time().Sub(b.trail.First).Round(time.Second), b.who, by, b.used)})
	}
}

func (d *coveredTracks) forget(b *liveBinding) {
	delete(d.live, b.key)
	for _, u := range b.users {
		keys := slices.DeleteFunc(d.byUser[u], func(k string) bool { return k == b.key })
		if len(keys) == 0 {
			delete(d.byUser, u)
		} else {
			d.byUser[u] = keys
		}
	}
}

// prune forgets the bindings created longer than the window before now.
func (d *coveredTracks) prune(now time.Time) {
	if len(d.live) == 0 || now.Sub(d.lastPrune) < time.Minute {
		return
	}
	d.lastPrune = now
	for _, b := range d.live {
		if now.Sub(b.trail.First) > d.window {
			d.forget(b)
		}
	}
}

// Tick forgets the bindings created longer than the window before now, on
// a live stream where no event may come to prune them; findings are made
// as deletions are seen.
func (d *coveredTracks) Tick(now time.Time, _ func(check.Finding)) { d.prune(now) }

func (d *coveredTracks) Flush(func(check.Finding)) { d.live, d.byUser = map[string]*liveBinding{}, nil }
