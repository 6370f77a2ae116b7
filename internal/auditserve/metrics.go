package auditserve

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// metrics are the server's Prometheus metrics, written in the text format.
// Their labels take a bounded set of values: stages, response codes, check
// IDs and severities.
type metrics struct {
	batches      counters // by code
	events       counters // by stage
	findings     counters // by check and severity
	decodeErrors atomic.Uint64
	windows      atomic.Uint64
	windowEvents atomic.Int64 // gauge
}

// counters is a counter vector keyed by its label values joined by "\x00".
type counters struct {
	mu sync.Mutex
	m  map[string]uint64
}

func (c *counters) add(n uint64, values ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]uint64{}
	}
	c.m[strings.Join(values, "\x00")] += n
}

func (c *counters) get(values ...string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[strings.Join(values, "\x00")]
}

func (c *counters) write(w io.Writer, name, help string, labels ...string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, help, name)
	c.mu.Lock()
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		values := strings.Split(k, "\x00")
		var ls []string
		for i, l := range labels {
			ls = append(ls, l+`="`+labelEscaper.Replace(values[i])+`"`)
		}
		fmt.Fprintf(w, "%s{%s} %d\n", name, strings.Join(ls, ","), c.m[k])
	}
	c.mu.Unlock()
}

// labelEscaper escapes a label value as the text format wants.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func (m *metrics) write(w io.Writer) {
	m.batches.write(w, "kubestride_auditlog_batches_total", "Audit webhook batches received, by the HTTP status answered.", "code")
	m.events.write(w, "kubestride_auditlog_events_total", "Audit events received and run through the checks, by stage.", "stage")
	fmt.Fprintf(w, "# HELP kubestride_auditlog_decode_errors_total Audit events of a batch that could not be read (the rest of the batch is).\n# TYPE kubestride_auditlog_decode_errors_total counter\nkubestride_auditlog_decode_errors_total %d\n", m.decodeErrors.Load())
	m.findings.write(w, "kubestride_auditlog_findings_total", "Findings of the audit-log checks, by check and severity.", "check", "severity")
	fmt.Fprintf(w, "# HELP kubestride_auditlog_windows_total Windows closed (by time or by count), each reporting the checks' findings.\n# TYPE kubestride_auditlog_windows_total counter\nkubestride_auditlog_windows_total %d\n", m.windows.Load())
	fmt.Fprintf(w, "# HELP kubestride_auditlog_window_events Audit events received in the window open now.\n# TYPE kubestride_auditlog_window_events gauge\nkubestride_auditlog_window_events %d\n", m.windowEvents.Load())
}
