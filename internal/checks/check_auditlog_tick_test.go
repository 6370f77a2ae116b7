package checks

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/auditlog"
	. "github.com/kubestride/kubestride/internal/auditlog/auditlogtest"
	"github.com/kubestride/kubestride/internal/check"
)

// step is an event to observe, or, when Tick is set, a tick at Base+Tick.
type step struct {
	E
	Tick time.Duration
}

// runLive streams steps through the check id as a live stream does:
// findings made before each tick and at the end are returned by window.
func runLive(t *testing.T, id check.ID, opts auditlog.Options, steps ...step) [][]auditFinding {
	t.Helper()
	c, ok := check.Default().Get(id)
	if !ok {
		t.Fatalf("no check %s", id)
	}
	windows := [][]auditFinding{nil}
	eng := auditlog.NewEngine([]check.Check{c}, opts, func(_ check.ID, f check.Finding) {
		w := &windows[len(windows)-1]
		*w = append(*w, auditFinding{f.AuditTrail.Principal, len(f.AuditTrail.Events), f.Reason, f.Detail, f.Severity})
	})
	var e auditlog.Event
	for _, s := range steps {
		if s.Tick != 0 {
			eng.Tick(Base.Add(s.Tick))
			windows = append(windows, nil)
			continue
		}
		if err := auditlog.Decode([]byte(s.Line()), &e); err != nil {
			t.Fatal(err)
		}
		eng.Observe(&e, auditlog.Position{})
	}
	eng.Close()
	return windows
}

// TestAuditLogTickForbiddenBurst: a burst is reported at the first tick
// after it, its continuation at the next, and a principal idle for longer
// than the window is forgotten, so that a later burst counts from zero.
func TestAuditLogTickForbiddenBurst(t *testing.T) {
	deny := func(at time.Duration) step {
		return step{E: E{User: "mallory", Verb: "get", Resource: "secrets", NS: "a", Name: "b", Code: 403, At: at}}
	}
	var steps []step
	for i := range 4 {
		steps = append(steps, deny(time.Duration(i)*time.Second))
	}
	steps = append(steps, step{Tick: 5 * time.Second}, deny(6*time.Second), step{Tick: 7 * time.Second},
		step{Tick: time.Hour}, deny(time.Hour+time.Second), step{Tick: time.Hour + 2*time.Second})
	got := runLive(t, "auditlog-forbidden-burst", auditlog.Options{ForbiddenThreshold: 3, ForbiddenWindow: 10 * time.Second}, steps...)
	want := [][]auditFinding{
		{{"user:mallory", 2, "authorization denials in a burst",
			"user:mallory was denied 3 or more times within 10s, 1 time (4 denials in the longest; 3 denials from 2026-11-27T10:00:00Z to 2026-11-27T10:00:02Z)", 0}},
		{{"user:mallory", 1, "authorization denials in a burst",
			"user:mallory was denied 1 more times in a burst already reported (3 or more denials within 10s; 5 in it so far)", 0}},
		nil, // the tick an hour later reports nothing and forgets mallory
		nil, // one denial after that is no burst
		nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings by window (-want +got):\n%s", diff)
	}
}

// TestAuditLogTickGrouped: a check that summarises (secrets read) reports
// each window's events at its tick and starts again.
func TestAuditLogTickGrouped(t *testing.T) {
	read := func(at time.Duration, name string) step {
		return step{E: E{User: "alice", Verb: "get", Resource: "secrets", NS: "payments", Name: name, At: at}}
	}
	got := runLive(t, "auditlog-secret-read", auditlog.Options{},
		read(0, "db"), read(time.Second, "db"), step{Tick: time.Minute}, step{Tick: 2 * time.Minute}, read(3*time.Minute, "api"))
	want := [][]auditFinding{
		{{"user:alice", 2, "secrets read", "user:alice read secrets (get payments/db) 2 times between 2026-11-27T10:00:00Z and 2026-11-27T10:00:01Z", 0}},
		nil,
		{{"user:alice", 1, "secrets read", "user:alice read secrets (get payments/api) at 2026-11-27T10:03:00Z", 0}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings by window (-want +got):\n%s", diff)
	}
}

// TestAuditLogTickCoveredTracks: a binding's creation is kept across ticks
// within the window (its deletion by its beneficiary is reported when it
// is seen), and forgotten by a tick past the window.
func TestAuditLogTickCoveredTracks(t *testing.T) {
	create := func(at time.Duration) step {
		return step{E: E{User: "mallory", Verb: "create", Resource: "clusterrolebindings", Group: rbacGroup, Name: "tmp", Code: 201, At: at,
			Req: crb("tmp", "cluster-admin", `[{"kind":"User","name":"mallory"}]`)}}
	}
	del := func(at time.Duration) step {
		return step{E: E{User: "mallory", Verb: "delete", Resource: "clusterrolebindings", Group: rbacGroup, Name: "tmp", At: at}}
	}
	opts := auditlog.Options{CoverWindow: time.Hour}
	got := runLive(t, "auditlog-binding-covered-tracks", opts, create(0), step{Tick: time.Minute}, step{Tick: 2 * time.Minute}, del(3*time.Minute))
	want := [][]auditFinding{nil, nil, {{"user:mallory", 2, "grant removed by its beneficiary",
		"user:mallory deleted clusterrolebindings tmp (ClusterRole cluster-admin to user:mallory) at 2026-11-27T10:03:00Z, 3m0s after user:mallory created it; the deleter is its creator, and its subjects made 0 requests in between", 0}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings by window (-want +got):\n%s", diff)
	}
	got = runLive(t, "auditlog-binding-covered-tracks", opts, create(0), step{Tick: 2 * time.Hour}, del(2*time.Hour+time.Minute))
	if diff := cmp.Diff([][]auditFinding{nil, nil}, got); diff != "" {
		t.Errorf("a binding past the window is forgotten (-want +got):\n%s", diff)
	}
}

// TestAuditLogTickEvicts: on a live stream without further events, a tick
// past the windows leaves the cross-event checks holding nothing.
func TestAuditLogTickEvicts(t *testing.T) {
	opts := auditlog.Options{ForbiddenThreshold: 3, ForbiddenWindow: time.Minute, CoverWindow: time.Hour}.WithDefaults()
	decode := func(e E) *auditlog.Event {
		var ev auditlog.Event
		if err := auditlog.Decode([]byte(e.Line()), &ev); err != nil {
			t.Fatal(err)
		}
		return &ev
	}
	drop := func(check.Finding) {}

	c, _ := check.Default().Get("auditlog-forbidden-burst")
	fb := c.(auditlog.Detection).NewDetector(opts).(*forbiddenBursts)
	for i := range 1000 {
		fb.Observe(decode(E{User: fmt.Sprint("user", i), Verb: "get", Resource: "pods", Code: 403}), drop)
	}
	fb.Tick(Base.Add(30*time.Second), drop)
	if len(fb.by) != 1000 {
		t.Errorf("within the window %d principals are kept, want 1000", len(fb.by))
	}
	fb.Tick(Base.Add(2*time.Minute), drop)
	if len(fb.by) != 0 || len(fb.order) != 0 {
		t.Errorf("past the window %d principals are kept (%d in order), want 0", len(fb.by), len(fb.order))
	}

	c, _ = check.Default().Get("auditlog-binding-covered-tracks")
	ct := c.(auditlog.Detection).NewDetector(opts).(*coveredTracks)
	for i := range 100 {
		name := fmt.Sprint("b", i)
		ct.Observe(decode(E{User: "alice", Verb: "create", Resource: "clusterrolebindings", Group: rbacGroup, Name: name, Code: 201,
			Req: crb(name, "view", `[{"kind":"User","name":"bob"}]`)}), drop)
	}
	ct.Tick(Base.Add(2*time.Hour), drop)
	if len(ct.live) != 0 || len(ct.byUser) != 0 {
		t.Errorf("past the window %d bindings and %d subjects are kept, want 0", len(ct.live), len(ct.byUser))
	}
}
