package memlimit

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

const (
	// Floor is the smallest limit set: below it the collector would run
	// more often than the memory saved is worth.
	Floor = 128 << 20
	// Headroom is the limit as a multiple of the live heap.
	Headroom = 1.6
)

var startOnce sync.Once

// GCPercent is the GOGC value Start sets. The soft limit, not GOGC, is what
// bounds the heap: above the floor the limit (1.6x live) comes before a
// collection at 5x live would, and below it the heap may grow to the floor
// before the collector runs, instead of collecting every time it doubles
// from a few megabytes.
const GCPercent = 400

// Start sets the soft memory limit and keeps it following the live heap,
// and sets GOGC to GCPercent, unless GOMEMLIMIT is set; a GOGC set in the
// environment is kept. It is safe to call more than once.
func Start() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	startOnce.Do(func() {
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(GCPercent)
		}
		adjust()
		arm()
	})
}

// Limit returns the limit for a live heap of live bytes.
func Limit(live uint64) int64 {
	l := int64(float64(live) * Headroom)
	if l < Floor {
		return Floor
	}
	return l
}

var sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

func adjust() {
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	debug.SetMemoryLimit(Limit(sample[0].Value.Uint64()))
}

// sentinel is garbage whose finalizer runs after each collection; it holds
// a pointer so that it is not a tiny allocation (finalizers may not run on
// those).
type sentinel struct{ _ *int }

func arm() {
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		adjust()
		arm()
	})
}
