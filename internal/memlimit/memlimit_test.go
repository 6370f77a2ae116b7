package memlimit

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, Floor},
		{50 << 20, Floor},
		{100 << 20, 160 << 20},
		{1 << 30, 1717986918}, // 1.6 GiB
	} {
		if got := Limit(tc.live); got != tc.want {
			t.Errorf("Limit(%d) = %d, want %d", tc.live, got, tc.want)
		}
	}
}

// liveHeap is the heap the last collection found live.
func liveHeap(t *testing.T) uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		t.Fatalf("/gc/heap/live:bytes is not supported")
	}
	return s[0].Value.Uint64()
}

// settle collects until the memory limit is what Limit gives for the live
// heap, within 5% (the limit is set by a finalizer, which runs after the
// collection), and returns the live heap and the limit last seen.
func settle(t *testing.T) (live uint64, limit int64) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		live, limit = liveHeap(t), debug.SetMemoryLimit(-1)
		want := float64(Limit(live))
		if math.Abs(float64(limit)-want) <= 0.05*want || time.Now().After(deadline) {
			return live, limit
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestStartFollowsTheLiveHeap: after a collection with a large live heap,
// the limit is Headroom times it; once that heap is garbage, the limit falls
// back to the floor. GOGC is GCPercent.
func TestStartFollowsTheLiveHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	Start()
	if got := debug.SetGCPercent(GCPercent); got != GCPercent {
		t.Errorf("GOGC = %d after Start, want %d", got, GCPercent)
	}

	big := make([][]byte, 0, 256)
	for i := 0; i < 256; i++ {
		big = append(big, make([]byte, 1<<20)) // 256 MiB live
	}
	live, got := settle(t)
	runtime.KeepAlive(big)
	if live < 256<<20 {
		t.Fatalf("live heap = %d MiB with 256 MiB held", live>>20)
	}
	if got == math.MaxInt64 {
		t.Fatalf("no memory limit set with %d MiB live", live>>20)
	}
	want := float64(live) * Headroom
	if math.Abs(float64(got)-want) > 0.05*want {
		t.Errorf("memory limit = %d MiB with %d MiB live, want about %.0f MiB (%.1fx)", got>>20, live>>20, want/(1<<20), Headroom)
	}

	// big is garbage from here on.
	live, got = settle(t)
	if live >= Floor/Headroom {
		t.Skipf("live heap still %d MiB after releasing 256 MiB", live>>20)
	}
	if got != Floor {
		t.Errorf("memory limit = %d MiB with %d MiB live, want the floor (%d MiB)", got>>20, live>>20, Floor>>20)
	}
}
