package auditlog

import (
	"fmt"
	"time"

	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
)

// Options tune the checks of an audit log.
type Options struct {
	// PSS is the Pod Security Standards level and version pods created are
	// judged at.
	PSS api.LevelVersion
	// ForbiddenWindow and ForbiddenThreshold define a burst of
	// authorization denials: ForbiddenThreshold 403s by one principal
	// within ForbiddenWindow. Zero means 1 minute and 20.
	ForbiddenWindow    time.Duration
	ForbiddenThreshold int
	// CoverWindow is how long after a binding is created its deletion by
	// its creator or beneficiary is taken for covering tracks; zero means
	// 24 hours.
	CoverWindow time.Duration
}

// WithDefaults fills the zero fields of o.
func (o Options) WithDefaults() Options {
	if o.ForbiddenWindow <= 0 {
		o.ForbiddenWindow = time.Minute
	}
	if o.ForbiddenThreshold <= 0 {
		o.ForbiddenThreshold = 20
	}
	if o.CoverWindow <= 0 {
		o.CoverWindow = 24 * time.Hour
	}
	return o
}

// Detector is the state of one audit-log check over one stream of events.
// Observe sees every event in the order of the log; Flush emits what is
// still pending at the end. A detector keeps bounded state: time windows
// and capped maps, so it can run on a live stream.
type Detector interface {
	Observe(e *Event, emit func(check.Finding))
	Flush(emit func(check.Finding))
}

// A Ticker is a Detector that can report before the end of a stream, for
// a live one (kubestride auditlog serve): Tick emits the findings whose
// window has closed by now (a clock time, comparable with the events'
// times) and forgets the state that now has expired. A detector whose
// findings summarise the stream (one per principal) emits, at each tick,
// the summary of the events since the last tick, and starts again.
type Ticker interface {
	Tick(now time.Time, emit func(check.Finding))
}

// Detection is a check of an audit log: a check.Check in the catalogue
// (its Run finds nothing in an inventory) that makes a Detector per stream.
type Detection interface {
	check.Check
	NewDetector(Options) Detector
}

// Engine runs the audit-log checks over a stream of events.
type Engine struct {
	dets []running
	emit func(check.ID, check.Finding)
	// received holds the auditIDs whose RequestReceived stage was seen,
	// with its time, to find requests whose first stage is missing.
	received     map[string]time.Time
	sawReceived  bool
	start        time.Time
	missing      int
	firstMissing Position
	lastPrune    time.Time
	pos          Position
}

type running struct {
	id check.ID
	d  Detector
}

// maxReceived caps the auditIDs kept to pair stages.
const maxReceived = 1 << 20

// NewEngine makes an engine running the checks among checks that are
// Detections; emit receives their findings as they are made.
func NewEngine(checks []check.Check, opts Options, emit func(check.ID, check.Finding)) *Engine {
	opts = opts.WithDefaults()
	e := &Engine{emit: emit, received: map[string]time.Time{}}
	for _, c := range checks {
		if d, ok := c.(Detection); ok {
			e.dets = append(e.dets, running{c.Meta().ID, d.NewDetector(opts)})
		}
	}
	return e
}

// Observe feeds one event, read at pos (zero for a live stream).
func (en *Engine) Observe(ev *Event, pos Position) {
	en.pos = pos
	if en.start.IsZero() {
		en.start = ev.Time()
	}
	switch ev.Stage {
	case "RequestReceived":
		en.sawReceived = true
		if len(en.received) < maxReceived {
			en.received[ev.AuditID] = ev.Time()
		}
	case "ResponseComplete", "Panic":
		if _, ok := en.received[ev.AuditID]; ok {
			delete(en.received, ev.AuditID)
		} else if en.sawReceived && !ev.RequestReceived.Before(en.start) && len(en.received) < maxReceived {
			if en.missing == 0 {
				en.firstMissing = pos
			}
			en.missing++
		}
	}
	if t := ev.StageTime; t.Sub(en.lastPrune) > 10*time.Minute {
		en.lastPrune = t
		for id, at := range en.received {
			if t.Sub(at) > 2*time.Hour {
				delete(en.received, id)
			}
		}
	}
	for _, r := range en.dets {
		r.d.Observe(ev, func(f check.Finding) { en.emit(r.id, f) })
	}
}

// Tick closes the windows of the checks at now: a Ticker's Tick, and the
// Flush of a detector that is none (its findings then cover the events
// since the last tick). A live stream calls it on a timer, and after a
// number of events, so that findings are reported while it runs and the
// state of the checks stays bounded by time and by count.
func (en *Engine) Tick(now time.Time) {
	for _, r := range en.dets {
		emit := func(f check.Finding) { en.emit(r.id, f) }
		if t, ok := r.d.(Ticker); ok {
			t.Tick(now, emit)
		} else {
			r.d.Flush(emit)
		}
	}
}

// Close flushes the checks and returns the notices about the stream
// itself.
func (en *Engine) Close() []Notice {
	for _, r := range en.dets {
		r.d.Flush(func(f check.Finding) { en.emit(r.id, f) })
	}
	var out []Notice
	if en.missing > 0 {
		out = append(out, Notice{File: en.firstMissing.File, Line: en.firstMissing.Line, Message: fmt.Sprintf(
			"%d %s ResponseComplete but no RequestReceived, where the policy records both (the first here): events are missing from the log",
			en.missing, plural(en.missing, "request has", "requests have"))})
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// MaxTrailEvents is how many events a finding lists; its detail gives the
// whole count.
const MaxTrailEvents = 10

// Trail gathers the events behind a finding: the first MaxTrailEvents and
// the last, and how many there were.
type Trail struct {
	Principal string
	Events    []object.AuditEvent
	Count     int
	First     time.Time
	Last      time.Time
}

// Add records e.
func (t *Trail) Add(e *Event) {
	t.Count++
	at := e.Time()
	if t.First.IsZero() || at.Before(t.First) {
		t.First = at
	}
	if at.After(t.Last) {
		t.Last = at
	}
	ev := object.AuditEvent{AuditID: e.AuditID, Time: at}
	if len(t.Events) < MaxTrailEvents {
		t.Events = append(t.Events, ev)
		return
	}
	t.Events[MaxTrailEvents-1] = ev // keep the latest as the last one
}

// Subject is the trail as a finding's subject.
func (t *Trail) Subject() *object.AuditTrail {
	return &object.AuditTrail{Principal: t.Principal, Events: append([]object.AuditEvent(nil), t.Events...)}
}

// Span is "at T" or "N times between T1 and T2".
func (t *Trail) Span() string {
	if t.Count <= 1 {
		return "at " + stamp(t.First)
	}
	return fmt.Sprintf("%d times between %s and %s", t.Count, stamp(t.First), stamp(t.Last))
}
