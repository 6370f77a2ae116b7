package scan

import (
	"strings"
	"testing"
	"unsafe"
)

// TestInternerShares: equal strings interned one after the other share one
// copy, whatever came between them in other slots, and interning never
// changes a string.
func TestInternerShares(t *testing.T) {
	in := newInterner()
	first := in.intern(strings.Repeat("container \"app\" must not set privileged ", 2))
	for i := range 100 {
		if got := in.intern("spec.containers[" + strings.Repeat("1", i%7+1) + "]"); !strings.HasPrefix(got, "spec.containers[") {
			t.Fatalf("intern changed a string: %q", got)
		}
	}
	again := strings.Repeat("container \"app\" must not set privileged ", 2)
	got := in.intern(again)
	if got != again {
		t.Fatalf("intern(%q) = %q", again, got)
	}
	if unsafe.StringData(got) != unsafe.StringData(first) && unsafe.StringData(got) != unsafe.StringData(again) {
		t.Fatal("intern returned a third copy")
	}
	// The same string again returns the copy now held.
	if held := in.intern(strings.Clone(again)); unsafe.StringData(held) != unsafe.StringData(got) {
		t.Error("an equal string interned twice in a row is not shared")
	}
}
