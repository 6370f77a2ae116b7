package memlimit

import (
	"runtime"
	"runtime/debug"
	"testing"
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

// TestStartFollowsTheLiveHeap: after a collection with a large live heap,
// the limit is above it with headroom.
func TestStartFollowsTheLiveHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	Start()
	big := make([][]byte, 0, 256)
	for i := 0; i < 256; i++ {
		big = append(big, make([]byte, 1<<20)) // 256 MiB live
	}
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	runtime.KeepAlive(big)
	if got := debug.SetMemoryLimit(-1); got < 256<<20 {
		t.Errorf("memory limit = %d MiB with 256 MiB live, want it above the live heap", got>>20)
	}
}
