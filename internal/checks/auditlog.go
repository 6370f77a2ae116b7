package checks

// The audit-log checks judge what an API server's audit log recorded:
// who read secrets, changed RBAC, exec'd into pods, impersonated whom,
// probed for permissions. Each is an auditlog.Detection: kubestride auditlog
// report streams the log's events through their detectors, and their
// findings are about an audit trail (the principal and the events behind
// the finding), never a Kubernetes object. On manifests or a cluster they
// find nothing. Detectors keep bounded state (capped maps, time windows), so
// a live stream of events can feed them too.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

// auditCheck is a check of an audit log.
type auditCheck struct {
	meta check.Meta
	new  func(auditlog.Options) auditlog.Detector
}

// auditDetection returns a check of an audit log whose detectors new makes.
func auditDetection(meta check.Meta, new func(auditlog.Options) auditlog.Detector) auditCheck {
	meta.Topic = check.TopicAuditLog
	return auditCheck{meta: meta, new: new}
}

func (c auditCheck) Meta() check.Meta { return c.meta }

// Run finds nothing: an audit log is judged by streaming its events
// through NewDetector's detector (auditlog.Engine).
func (c auditCheck) Run(context.Context, *inventory.Inventory, check.Options) []check.Finding {
	return nil
}

func (c auditCheck) NewDetector(o auditlog.Options) auditlog.Detector { return c.new(o) }

// maxGroups caps the distinct groups (principal and what they did) a
// detector keeps; the ones past it are counted and reported in one finding.
const maxGroups = 10000

// grouped is a detector that gathers matching events into groups (by
// principal and a key) and reports one finding per group at the end.
type grouped struct {
	// match returns the group key of an event, its principal and a short
	// note of what the event did ("get payments/db"), or ok false.
	match   func(e *auditlog.Event) (key, principal, note string, ok bool)
	finding func(g *group) check.Finding
	groups  map[string]*group
	order   []string
	dropped int
}

// group is what one principal did, of one kind.
type group struct {
	Key   string
	Trail auditlog.Trail
	// Notes are the distinct notes of its events, the first maxNotes.
	Notes []string
	more  int
}

const maxNotes = 5

func newGrouped(match func(e *auditlog.Event) (string, string, string, bool), finding func(g *group) check.Finding) *grouped {
	return &grouped{match: match, finding: finding, groups: map[string]*group{}}
}

func (d *grouped) Observe(e *auditlog.Event, _ func(check.Finding)) {
	key, principal, note, ok := d.match(e)
	if !ok {
		return
	}
	key = principal + "\x00" + key
	g := d.groups[key]
	if g == nil {
		if len(d.groups) >= maxGroups {
			d.dropped++
			return
		}
		g = &group{Key: key, Trail: auditlog.Trail{Principal: principal}}
		d.groups[key] = g
		d.order = append(d.order, key)
	}
	g.Trail.Add(e)
	if note != "" && !slices.Contains(g.Notes, note) {
		if len(g.Notes) < maxNotes {
			g.Notes = append(g.Notes, note)
		} else {
			g.more++
		}
	}
}

func (d *grouped) Flush(emit func(check.Finding)) {
	for _, k := range d.order {
		emit(d.finding(d.groups[k]))
	}
	if d.dropped > 0 {
		emit(check.Finding{AuditTrail: (&auditlog.Trail{Principal: "(more principals)"}).Subject(), Reason: "too many to list",
			Detail: fmt.Sprintf("%d more events matched, by principals past the first %d kept", d.dropped, maxGroups)})
	}
	d.groups, d.order = map[string]*group{}, nil
}

// notes lists a group's notes: "a, b and 3 more".
func (g *group) notes() string {
	s := strings.Join(g.Notes, ", ")
	if g.more > 0 {
		s += fmt.Sprintf(" and %d more", g.more)
	}
	return s
}

// completed reports whether e is the last stage of a request (so a request
// is counted once), ResponseComplete or Panic.
func completed(e *auditlog.Event) bool { return e.Stage == "ResponseComplete" || e.Stage == "Panic" }

// isWrite reports whether verb changes objects.
func isWrite(verb string) bool {
	switch verb {
	case "create", "update", "patch", "delete", "deletecollection":
		return true
	}
	return false
}

// component reports whether username is a control-plane component or node
// (system: users other than service accounts and anonymous), whose routine
// requests the checks pass over.
func component(username string) bool {
	return strings.HasPrefix(username, "system:") && !strings.HasPrefix(username, "system:serviceaccount:") && username != "system:anonymous"
}

// objectNote is "resource ns/name" for a note.
func objectNote(e *auditlog.Event) string {
	s := e.Resource()
	if sub := e.Subresource(); sub != "" {
		s += "/" + sub
	}
	if ns := e.Namespace(); ns != "" && e.Name() == "" {
		s += " in " + ns
	} else if ns != "" {
		s += " " + ns + "/" + e.Name()
	} else if e.Name() != "" {
		s += " " + e.Name()
	}
	return s
}

// outcome is "allowed" or "denied (403)" for an event.
func outcome(e *auditlog.Event) string {
	if e.Succeeded() || e.HasStatus && e.Code == 101 {
		return "allowed"
	}
	if e.HasStatus {
		return fmt.Sprintf("denied (%d)", e.Code)
	}
	return "outcome not recorded"
}

// auditBinding is what a RoleBinding or ClusterRoleBinding in an event's
// body grants.
type auditBinding struct {
	RoleRef struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"roleRef"`
	Subjects []struct {
		Kind      string `json:"kind"`
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"subjects"`
}

// bindingOf reads the binding of a write on role bindings from the
// response (the object as stored) or, for a create or update, the request;
// nil when the policy did not log a body that holds one.
func bindingOf(e *auditlog.Event) *auditBinding {
	for i, body := range [][]byte{e.ResponseObject, e.RequestObject} {
		if len(body) == 0 || (i == 1 && e.Verb == "patch") {
			continue
		}
		var b auditBinding
		if json.Unmarshal(body, &b) == nil && b.RoleRef.Name != "" {
			return &b
		}
	}
	return nil
}

// users are the user names a binding's subjects stand for; groups are its
// group subjects.
func (b *auditBinding) users() (users, groups []string) {
	for _, s := range b.Subjects {
		switch s.Kind {
		case "User":
			users = append(users, s.Name)
		case "ServiceAccount":
			users = append(users, "system:serviceaccount:"+s.Namespace+":"+s.Name)
		case "Group":
			groups = append(groups, s.Name)
		}
	}
	return users, groups
}

// subjects is the binding's subjects as principals: "user:alice, group:dev".
func (b *auditBinding) subjects() string {
	users, groups := b.users()
	var out []string
	for _, u := range users {
		out = append(out, auditlog.PrincipalOf(u))
	}
	for _, g := range groups {
		out = append(out, "group:"+g)
	}
	if len(out) == 0 {
		return "no subject"
	}
	return strings.Join(out, ", ")
}

func isBindingResource(e *auditlog.Event) bool {
	return e.Group() == "rbac.authorization.k8s.io" && (e.Resource() == "rolebindings" || e.Resource() == "clusterrolebindings")
}

// past is a verb's past tense: "created", "patched".
func past(verb string) string {
	switch {
	case strings.HasSuffix(verb, "e"):
		return verb + "d"
	case verb == "get" || verb == "list" || verb == "watch":
		return verb + " (read)"
	}
	return verb + "ed"
}

// requests is "1 request" or "N requests".
func requests(n int) string {
	if n == 1 {
		return "1 request"
	}
	return fmt.Sprintf("%d requests", n)
}
