package webhook

import (
	"bufio"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Metrics are the webhook's Prometheus metrics, written in the text
// exposition format (version 0.0.4) by WriteTo. Counting on the hot path is
// a map lookup under a read lock and an atomic add: label values are kept in
// fixed-size arrays, so counting allocates nothing once a series exists.
type Metrics struct {
	requests   *counterVec
	decisions  *counterVec
	violations *counterVec
	dryRun     *counterVec
	exemptions *counterVec
	errors     *counterVec
	latency    *histogram
	all        []writer
}

type writer interface{ write(w *bufio.Writer) }

// NewMetrics returns an empty set of the webhook's metrics.
func NewMetrics() *Metrics {
	m := &Metrics{
		requests: newCounterVec("kubestride_webhook_requests_total",
			"Admission reviews answered, by operation, kind, whether the request was a dry run and the answer (allowed, denied, error).",
			"operation", "kind", "dry_run", "answer"),
		decisions: newCounterVec("kubestride_webhook_decisions_total",
			"Policy evaluations by mode (enforce, audit, warn), policy (name:version) and decision (allow, deny), dry-run requests left out; deny in audit and warn is a violation recorded or warned about, and enforce's deny in a dry-run namespace was allowed with a warning (see kubestride_webhook_dry_run_denials_total).",
			"mode", "policy", "decision"),
		violations: newCounterVec("kubestride_webhook_violations_total",
			"Violated checks by mode, policy (name:version) and check ID.",
			"mode", "policy", "check"),
		dryRun: newCounterVec("kubestride_webhook_dry_run_denials_total",
			"Requests that enforce would have denied in a dry-run namespace, by policy (name:version); they were allowed with warnings.",
			"policy"),
		exemptions: newCounterVec("kubestride_webhook_exemptions_total",
			"Requests exempted from judgement, by what exempted them (namespace, user, group, runtimeClass).",
			"by"),
		errors: newCounterVec("kubestride_webhook_errors_total",
			"Requests that could not be judged, by reason.",
			"reason"),
		latency: newHistogram("kubestride_webhook_request_duration_seconds",
			"Time from reading an admission review to writing its answer.",
			[]float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}),
	}
	m.all = []writer{m.requests, m.decisions, m.violations, m.dryRun, m.exemptions, m.errors, m.latency}
	return m
}

// WriteTo writes every metric in the text exposition format, series sorted
// by their labels, so the output is stable.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	b := bufio.NewWriter(cw)
	for _, x := range m.all {
		x.write(b)
	}
	err := b.Flush()
	return cw.n, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// maxLabels is the most labels a counter has.
const maxLabels = 4

type labelValues [maxLabels]string

// counterVec is a counter with labels.
type counterVec struct {
	name, help string
	labels     []string
	mu         sync.RWMutex
	series     map[labelValues]*atomic.Uint64
}

func newCounterVec(name, help string, labels ...string) *counterVec {
	return &counterVec{name: name, help: help, labels: labels, series: map[labelValues]*atomic.Uint64{}}
}

// inc adds one to the series with the label values lv (in the order of
// the counter's labels).
func (c *counterVec) inc(lv labelValues) {
	c.mu.RLock()
	v := c.series[lv]
	c.mu.RUnlock()
	if v == nil {
		c.mu.Lock()
		if v = c.series[lv]; v == nil {
			v = new(atomic.Uint64)
			c.series[lv] = v
		}
		c.mu.Unlock()
	}
	v.Add(1)
}

// value returns the count of the series lv, for tests.
func (c *counterVec) value(lv labelValues) uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if v := c.series[lv]; v != nil {
		return v.Load()
	}
	return 0
}

func (c *counterVec) write(b *bufio.Writer) {
	header(b, c.name, c.help, "counter")
	c.mu.RLock()
	keys := make([]labelValues, 0, len(c.series))
	for k := range c.series {
		keys = append(keys, k)
	}
	c.mu.RUnlock()
	slices.SortFunc(keys, func(a, b labelValues) int {
		for i := range a {
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	for _, k := range keys {
		c.mu.RLock()
		n := c.series[k].Load()
		c.mu.RUnlock()
		b.WriteString(c.name)
		writeLabels(b, c.labels, k[:len(c.labels)], "", "")
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(n, 10))
		b.WriteByte('\n')
	}
}

// histogram is a histogram without labels.
type histogram struct {
	name, help string
	bounds     []float64
	counts     []atomic.Uint64 // per bucket, not cumulative; the last is +Inf
	sumBits    atomic.Uint64
	count      atomic.Uint64
}

func newHistogram(name, help string, bounds []float64) *histogram {
	return &histogram{name: name, help: help, bounds: bounds, counts: make([]atomic.Uint64, len(bounds)+1)}
}

func (h *histogram) observe(d time.Duration) {
	v := d.Seconds()
	i, _ := slices.BinarySearch(h.bounds, v)
	h.counts[i].Add(1)
	for {
		old := h.sumBits.Load()
		if h.sumBits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			break
		}
	}
	h.count.Add(1)
}

func (h *histogram) write(b *bufio.Writer) {
	header(b, h.name, h.help, "histogram")
	var cum uint64
	for i := range h.counts {
		cum += h.counts[i].Load()
		le := "+Inf"
		if i < len(h.bounds) {
			le = strconv.FormatFloat(h.bounds[i], 'g', -1, 64)
		}
		b.WriteString(h.name)
		b.WriteString("_bucket")
		writeLabels(b, nil, nil, "le", le)
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(cum, 10))
		b.WriteByte('\n')
	}
	b.WriteString(h.name + "_sum " + strconv.FormatFloat(math.Float64frombits(h.sumBits.Load()), 'g', -1, 64) + "\n")
	b.WriteString(h.name + "_count " + strconv.FormatUint(h.count.Load(), 10) + "\n")
}

func header(b *bufio.Writer, name, help, typ string) {
	b.WriteString("# HELP " + name + " " + escapeHelp(help) + "\n")
	b.WriteString("# TYPE " + name + " " + typ + "\n")
}

// writeLabels writes {name="value",...}, with extra (when set) last.
func writeLabels(b *bufio.Writer, names, values []string, extraName, extraValue string) {
	if len(names) == 0 && extraName == "" {
		return
	}
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(n + `="` + escapeLabel(values[i]) + `"`)
	}
	if extraName != "" {
		if len(names) > 0 {
			b.WriteByte(',')
		}
		b.WriteString(extraName + `="` + escapeLabel(extraValue) + `"`)
	}
	b.WriteByte('}')
}

// escapeLabel escapes a label value as the exposition format requires:
// backslash, double quote and line feed.
func escapeLabel(s string) string {
	if !strings.ContainsAny(s, "\\\"\n") {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// escapeHelp escapes HELP text: backslash and line feed.
func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}
